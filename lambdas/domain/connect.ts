/** $connect: check who is connecting, then remember the connection and its role. */
import type { Role } from '../../protocol';
import { authorizeConnection, type Credentials } from './authorize-connection';
import type { Deps } from './ports';

export interface ConnectRequest extends Credentials {
  readonly connectionId: string;
}

/** The role granted; throws ConnectionRefused (nothing stored) when the credentials do not hold. */
export async function connect(deps: Pick<Deps, 'connections' | 'clock' | 'settings'>, request: ConnectRequest): Promise<Role> {
  const role = authorizeConnection(request, deps.settings);
  await deps.connections.add({
    connectionId: request.connectionId,
    role,
    connectedAt: new Date(deps.clock.now()).toISOString(),
  });
  return role;
}
