/**
 * `log.unsubscribe`: a viewer stops watching; the last one to leave stops the agent's stream.
 *
 * API Gateway runs one connection's messages concurrently, so this unsubscribe may be handled
 * after a LATER subscribe of the same viewer to the same container: then that newer subscription
 * wins and nothing happens. It may also be handled BEFORE an earlier subscribe: the marker it
 * leaves keeps that late subscribe from bringing the subscription back (request-order.ts has the
 * order and its tie rule).
 */
import type { LogUnsubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';
import { requestOrder } from './request-order';
import { stopIfUnwatched } from './stop-if-unwatched';

export async function unsubscribe(deps: Deps, caller: Caller, request: LogUnsubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const removed = await deps.subscriptions.removeUnlessResubscribed(caller.connectionId, container, requestOrder(caller, request.op));
  if (!removed) return;
  await forgetConnections(deps, await stopIfUnwatched(deps, container));
}
