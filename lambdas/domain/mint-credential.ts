/**
 * A new credential: the token is returned once, to whoever minted it, and only the hash of its
 * secret is stored. Rotating is minting a new one and revoking the old — no deploy involved.
 */
import { SafeId, type Role } from '../../protocol';
import { formatToken, hashSecret, newCredentialToken, parseToken, type CredentialToken } from './credential-token';
import type { Clock, Credential, Credentials } from './ports';

export class InvalidCredentialRequest extends Error {
  override readonly name = 'InvalidCredentialRequest';
}

export type CredentialRequest =
  | { readonly role: 'agent'; readonly agentId: string; readonly token?: string }
  | { readonly role: 'viewer'; readonly token?: string };

export interface MintedCredential {
  readonly credential: Credential;
  /** `<credentialId>.<secret>`: shown once, never stored. */
  readonly token: string;
}

/**
 * `token` imports a token chosen elsewhere (a fixed local token across restarts) instead of
 * generating one; it must have a token's shape.
 */
export async function mintCredential(
  deps: { readonly credentials: Pick<Credentials, 'add'>; readonly clock: Clock },
  request: CredentialRequest,
): Promise<MintedCredential> {
  if (request.role === 'agent' && !SafeId.safeParse(request.agentId).success) {
    throw new InvalidCredentialRequest(`agent id ${JSON.stringify(request.agentId)} is not valid: letters, digits, ".", "_" or "-", at most 128 characters`);
  }
  const token: CredentialToken | undefined = request.token === undefined ? newCredentialToken() : parseToken(request.token);
  if (!token) throw new InvalidCredentialRequest('a token must look like <credentialId>.<secret> (URL-safe characters, a secret of at least 32)');
  const role: Role = request.role;
  const credential: Credential = {
    credentialId: token.credentialId,
    role,
    ...(request.role === 'agent' ? { agentId: request.agentId } : {}),
    secretHash: hashSecret(token.secret),
    createdAt: new Date(deps.clock.now()).toISOString(),
  };
  await deps.credentials.add(credential);
  return { credential, token: formatToken(token) };
}
