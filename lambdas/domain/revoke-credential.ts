/**
 * Revoking a credential: no new connection is admitted with it, and every connection it opened is
 * closed. The revoke is written before the connections are listed; $connect records a connection
 * before it checks for a revoke (domain/connect.ts), so no connection slips between the two.
 */
import type { Clock, Credentials } from './ports';

/** Closes a live connection (DeleteConnection); 'gone' when it had already closed. */
export interface ConnectionCloser {
  close(connectionId: string): Promise<'closed' | 'gone'>;
}

export interface RevokeResult {
  /** False when there is no such credential (nothing was changed). */
  readonly found: boolean;
  /** Connections closed now; those found already gone are not counted. */
  readonly closed: readonly string[];
}

export async function revokeCredential(
  deps: { readonly credentials: Pick<Credentials, 'revoke' | 'connectionIds'>; readonly closer: ConnectionCloser; readonly clock: Clock },
  credentialId: string,
): Promise<RevokeResult> {
  if (!(await deps.credentials.revoke(credentialId, new Date(deps.clock.now()).toISOString()))) return { found: false, closed: [] };
  const closed: string[] = [];
  for (const connectionId of await deps.credentials.connectionIds(credentialId)) {
    if ((await deps.closer.close(connectionId)) === 'closed') closed.push(connectionId);
  }
  return { found: true, closed };
}
