/**
 * The client → cloud actions. Each is one API Gateway route (route selection on `action`),
 * one Lambda handler, and the roles whose connections may send it.
 */
import type * as z from 'zod/mini';
import {
  AgentInventory,
  AgentLogBatch,
  AgentRegister,
  AgentStatus,
  InventoryGet,
  LogFetch,
  LogSubscribe,
  LogUnsubscribe,
  Ping,
} from './messages';

/** Who is on the other end of a connection, fixed at $connect by the token it presented. */
export type Role = 'agent' | 'viewer';
export const ROLES: readonly Role[] = ['agent', 'viewer'];

export const ROUTES = {
  'agent.register': { schema: AgentRegister, roles: ['agent'] },
  'agent.inventory': { schema: AgentInventory, roles: ['agent'] },
  'log.batch': { schema: AgentLogBatch, roles: ['agent'] },
  'log.subscribe': { schema: LogSubscribe, roles: ['viewer'] },
  'log.unsubscribe': { schema: LogUnsubscribe, roles: ['viewer'] },
  'inventory.get': { schema: InventoryGet, roles: ['viewer'] },
  ping: { schema: Ping, roles: ['agent', 'viewer'] },
  'log.fetch': { schema: LogFetch, roles: ['viewer'] },
  'agent.status': { schema: AgentStatus, roles: ['agent'] },
} as const satisfies Record<string, { schema: z.ZodMiniType; roles: readonly Role[] }>;

export type ClientAction = keyof typeof ROUTES;
export const CLIENT_ACTIONS = Object.keys(ROUTES) as ClientAction[];
export type ClientMessage<A extends ClientAction> = z.infer<(typeof ROUTES)[A]['schema']>;

export function isClientAction(action: string): action is ClientAction {
  return Object.hasOwn(ROUTES, action);
}

export function maySend(role: Role, action: ClientAction): boolean {
  return (ROUTES[action].roles as readonly Role[]).includes(role);
}
