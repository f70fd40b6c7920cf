/**
 * The identity a credential proved, carried from the authorizer to every later event of the
 * connection as `requestContext.authorizer`: `principalId` is the credential id, and the context
 * holds `role`, `credentialId` and, for agents, `agentId` (strings: context values are flat).
 */
import { ROLES, type Role } from '../../protocol';
import type { Identity } from '../domain/ports';
import type { WebSocketAuthorizerContext } from './websocket-event';

export function identityContext(identity: Identity): Record<string, string> {
  return {
    role: identity.role,
    credentialId: identity.credentialId,
    ...(identity.agentId ? { agentId: identity.agentId } : {}),
  };
}

/** Undefined when the event carries no (or no valid) identity: the stage has no authorizer. */
export function identityOf(authorizer: WebSocketAuthorizerContext | undefined): Identity | undefined {
  if (!authorizer) return undefined;
  const { role, credentialId, agentId } = authorizer;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || typeof credentialId !== 'string') return undefined;
  if (role === 'agent' && (typeof agentId !== 'string' || agentId === '')) return undefined;
  return { credentialId, role: role as Role, ...(role === 'agent' ? { agentId: agentId as string } : {}) };
}
