/** Answers the connection a message came from. */
import type { CloudToAgent, CloudToViewer } from '../../protocol';
import { forgetConnections } from './forget-connections';
import type { Caller, Delivery, Deps } from './ports';

/** A gone caller is forgotten on the spot; failures other than 'gone' throw to the handler. */
export async function reply(deps: Deps, caller: Caller, message: CloudToAgent | CloudToViewer): Promise<Delivery> {
  const delivery = await deps.messenger.send(caller.connectionId, message);
  if (delivery === 'gone') await forgetConnections(deps, [{ connectionId: caller.connectionId, agentId: caller.agentId }]);
  return delivery;
}
