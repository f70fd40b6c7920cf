/** `ping` keeps a connection inside API Gateway's idle timeout; the answer proves the path works. */
import type { Ping } from '../../protocol';
import type { Caller, Deps } from './ports';
import { reply } from './reply';

export async function ping(deps: Deps, caller: Caller, _message: Ping): Promise<void> {
  await reply(deps, caller, { action: 'pong' });
}
