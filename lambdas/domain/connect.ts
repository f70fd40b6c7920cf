/**
 * $connect, after the authorizer admitted the connection: remember the connection with the identity
 * its credential proved, and under the credential, so that revoking it can close the connection.
 */
import type { Deps, Identity } from './ports';

/** The credential was revoked while the connection was being admitted: refuse it (HTTP 403). */
export class CredentialRevoked extends Error {
  override readonly name = 'CredentialRevoked';
}

export interface ConnectRequest {
  readonly connectionId: string;
  readonly identity: Identity;
  /** Epoch ms (`requestContext.connectedAt`). */
  readonly connectedAt: number;
}

export async function connect(deps: Pick<Deps, 'connections' | 'credentials'>, request: ConnectRequest): Promise<void> {
  const { connectionId, identity } = request;
  await deps.connections.add({
    connectionId,
    role: identity.role,
    connectedAt: new Date(request.connectedAt).toISOString(),
    ...(identity.agentId ? { agentId: identity.agentId } : {}),
    credentialId: identity.credentialId,
  });
  await deps.credentials.addConnection(identity.credentialId, connectionId);
  // The authorizer may have judged a cached credential. Revoking writes revokedAt first and then
  // lists the connections; this writes the connection first and then reads revokedAt. Whichever
  // runs second sees the other's write, so a revoked credential never keeps a connection.
  const credential = await deps.credentials.get(identity.credentialId);
  if (!credential || credential.revokedAt !== undefined) {
    await deps.connections.remove(connectionId);
    throw new CredentialRevoked(`credential ${identity.credentialId} was revoked`);
  }
}
