/**
 * `log.unsubscribe`: a viewer stops watching; the last one to leave stops the agent's stream.
 *
 * API Gateway runs one connection's messages concurrently, so this unsubscribe may be handled
 * after a LATER subscribe of the same viewer to the same container: then that newer subscription
 * wins and nothing happens. It may also be handled BEFORE an earlier subscribe: the marker it
 * leaves keeps that late subscribe from bringing the subscription back (request-order.ts has the
 * order and its tie rule).
 *
 * Its marker is written, like a subscription, against a concurrent `$disconnect`: one that cleaned
 * the viewer up before the marker existed leaves the unsubscribe to remove the marker itself.
 *
 * Bounded like a subscribe: an id that is neither watched by this viewer nor a container of the
 * agent's inventory is refused with nothing written (each unsubscribe leaves a marker for hours),
 * and only a viewer that was watching can stop the stream.
 */
import { ProtocolError, type LogUnsubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';
import { requestOrder } from './request-order';
import { stopIfUnwatched } from './stop-if-unwatched';

export async function unsubscribe(deps: Deps, caller: Caller, request: LogUnsubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const wasSubscribed = await deps.subscriptions.isSubscribed(caller.connectionId, container);
  if (!wasSubscribed && !(await deps.hostContainers.get(request.agentId, request.containerId))) {
    throw new ProtocolError('unknown_target', `not subscribed to ${JSON.stringify(request.containerId)} of ${JSON.stringify(request.agentId)}, and no such container is in that agent's inventory`);
  }
  const removed = await deps.subscriptions.removeUnlessResubscribed(caller.connectionId, container, requestOrder(caller, request.op));
  // A subscribe of this viewer racing the check above sees the marker and starts nothing; one that
  // started already is stopped by its own re-check, or by the container's next unwatched batch.
  if (!removed) return;
  // The marker was written: a `$disconnect` that looked for this viewer's items before it did
  // cannot have found it. The clean-up removes the connection record before it looks, so a record
  // gone now means this unsubscribe removes its marker itself (the mirror image of subscribe.ts).
  if (!(await deps.connections.get(caller.connectionId))) {
    await forgetConnections(deps, [{ connectionId: caller.connectionId, container }]);
    return;
  }
  if (!wasSubscribed) return;
  await forgetConnections(deps, await stopIfUnwatched(deps, container));
}
