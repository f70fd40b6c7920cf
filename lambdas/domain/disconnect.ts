/** $disconnect: the connection is closed; forget it and everything that hangs off it. */
import { forgetConnections } from './forget-connections';
import type { Deps } from './ports';

export async function disconnect(deps: Deps, connectionId: string): Promise<void> {
  await forgetConnections(deps, [connectionId]);
}
