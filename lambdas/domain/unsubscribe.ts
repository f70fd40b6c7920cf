/**
 * `log.unsubscribe`: a viewer stops watching; the last one to leave stops the agent's stream.
 *
 * API Gateway runs one connection's messages concurrently, so this unsubscribe may be handled
 * after a LATER subscribe of the same viewer to the same container. The delete therefore holds
 * only for a subscription made no later than this request; a newer one wins and nothing happens.
 */
import type { LogUnsubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';
import { stopIfUnwatched } from './stop-if-unwatched';

export async function unsubscribe(deps: Deps, caller: Caller, request: LogUnsubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const removed = await deps.subscriptions.removeUnlessResubscribed(caller.connectionId, container, caller.requestTime);
  if (!removed) return;
  await forgetConnections(deps, await stopIfUnwatched(deps, container));
}
