/**
 * Who may open a connection: the `$connect` authorizer's decision, from the `token` (and optional
 * `role`) of the query string. The identity it returns becomes the authorizer's context, which API
 * Gateway hands to $connect and to every later message of the connection.
 */
import { ROLES } from '../../protocol';
import { parseToken, secretMatches } from './credential-token';
import type { Credentials, Identity } from './ports';

/** The handshake is refused: API Gateway answers 403 (a Deny policy). `reason` is for the log only. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
}

export interface AuthorizeRequest {
  readonly token?: string;
  /** Optional; when given it must be the credential's role (an agent given a viewer token fails early). */
  readonly role?: string;
}

export async function authorize(deps: { readonly credentials: Pick<Credentials, 'get'> }, request: AuthorizeRequest): Promise<Identity> {
  const parsed = request.token === undefined ? undefined : parseToken(request.token);
  if (!parsed) throw new AccessDenied('the token is not of the form <credentialId>.<secret>');
  const credential = await deps.credentials.get(parsed.credentialId);
  // One answer for unknown, wrong and revoked, so the refusal tells a guesser nothing.
  if (!credential || !secretMatches(parsed.secret, credential.secretHash)) throw new AccessDenied(`credential ${parsed.credentialId} unknown or secret wrong`);
  if (credential.revokedAt !== undefined) throw new AccessDenied(`credential ${parsed.credentialId} was revoked at ${credential.revokedAt}`);
  if (!(ROLES as readonly string[]).includes(credential.role)) throw new AccessDenied(`credential ${parsed.credentialId} has no valid role`);
  if (credential.role === 'agent' && !credential.agentId) throw new AccessDenied(`agent credential ${parsed.credentialId} names no agent`);
  if (request.role !== undefined && request.role !== credential.role) {
    throw new AccessDenied(`credential ${parsed.credentialId} is a ${credential.role} credential, not ${JSON.stringify(request.role)}`);
  }
  return {
    credentialId: credential.credentialId,
    role: credential.role,
    ...(credential.role === 'agent' ? { agentId: credential.agentId } : {}),
  };
}
