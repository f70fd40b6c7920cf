/**
 * `log.subscribe`: a viewer starts watching a container. The subscription is written FIRST, so
 * every line stored from then on is broadcast to the viewer; the history read afterwards may
 * repeat a few of those lines, which the viewer drops by seq — none can fall in between.
 *
 * Only a full container id of the agent's current inventory can be watched: Docker would also
 * resolve names and id prefixes, opening several follows (each numbered and stored apart) of one
 * container. Subscriptions are capped per connection and per container (check-subscription-caps).
 *
 * A viewer's messages are handled concurrently. A subscribe superseded by a later unsubscribe (or
 * subscribe) of the same viewer, handled first, does nothing at all: no history, no stream start.
 * A `$disconnect` handled while the subscription was being written is detected by the connection
 * record being gone afterwards (the clean-up removes it before it looks for subscriptions), and the
 * subscription is removed again (docs/data-model.md, "Why it holds without transactions").
 *
 * When the viewer's `afterSeq` is of another numbering than the buffer's — its `epoch` differs
 * from the newest stored one, or (a viewer that names no epoch) it is ahead of the buffer's newest
 * line — the numbering started over (the buffer expired and the agent numbered from 1 again): the
 * viewer gets the whole buffer, marked `reset`, instead of nothing followed by live lines it
 * would drop as already seen.
 *
 * The history is posted with a broadcast's retries (deliver). If it still cannot be posted, the
 * stream is started all the same (the subscription exists: live lines flow) and the subscribe
 * fails, so the viewer is answered `internal` naming the container, and subscribes again.
 */
import { ProtocolError, type ContainerRef, type LogSubscribe } from '../../protocol';
import { checkSubscriptionCaps } from './check-subscription-caps';
import { deliver } from './deliver';
import { forgetConnections } from './forget-connections';
import { historyMessages } from './history-messages';
import type { Caller, Deps } from './ports';
import { readHistory, type History } from './read-history';
import { requestOrder } from './request-order';
import { sendToAgent } from './send-to-agent';
import { stopIfUnwatched } from './stop-if-unwatched';
import { streamStartMessage } from './stream-start-message';

export async function subscribe(deps: Deps, caller: Caller, request: LogSubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const agent = await deps.agents.get(request.agentId);
  if (!agent) throw new ProtocolError('unknown_target', `no agent ${JSON.stringify(request.agentId)} has ever registered`);
  if (!(await deps.hostContainers.get(request.agentId, request.containerId))) {
    throw new ProtocolError(
      'unknown_target',
      `container ${JSON.stringify(request.containerId)} is not in the inventory of agent ${JSON.stringify(request.agentId)}: subscribe by a full container id as listed in inventory`,
    );
  }
  await checkSubscriptionCaps(deps, caller.connectionId, container);

  if (!(await deps.subscriptions.add(caller.connectionId, container, requestOrder(caller, request.op)))) return;
  if (!(await deps.connections.get(caller.connectionId))) {
    await forgetConnections(deps, [{ connectionId: caller.connectionId, container }]);
    return;
  }

  const { batches, reset, epoch } = await historyFor(deps, container, request.afterSeq, request.epoch);
  let historyLost = false;
  for (const message of historyMessages(container, batches, { reset, epoch })) {
    // With a broadcast's retries: a throttled history must not leave the viewer waiting for it.
    const { gone, failed } = await deliver(deps, [caller.connectionId], message);
    if (gone.length > 0) {
      // The viewer left meanwhile: forget it and its subscription; nothing to start.
      await forgetConnections(deps, [{ connectionId: caller.connectionId }]);
      return;
    }
    // The later parts would not fit on to what the viewer has; it subscribes again for them.
    if (failed.length > 0) {
      historyLost = true;
      break;
    }
  }

  // An offline agent is sent the start when it registers again; the subscription waits for it.
  const gone = await sendToAgent(deps, agent, await streamStartMessage(deps, container, { catchUp: true }));
  // An unsubscribe handled meanwhile may have sent its stop before this start: the last word to
  // the agent must then be a stop (stop-if-unwatched is the mirror image of this).
  if (gone.length === 0 && agent.online && !(await deps.subscriptions.hasSubscribers(container))) {
    gone.push(...(await stopIfUnwatched(deps, container)));
  }
  await forgetConnections(deps, gone);
  // The subscription and the stream stand; the handler's `internal` answer (naming the container,
  // retry: true) tells the viewer to subscribe again from its last seq.
  if (historyLost) throw new Error(`could not send the history of ${container.agentId}/${container.containerId} to ${caller.connectionId}`);
}

async function historyFor(
  deps: Deps,
  container: ContainerRef,
  afterSeq: number | undefined,
  epoch: number | undefined,
): Promise<History & { reset: boolean }> {
  const maxLines = deps.settings.bufferLines;
  // One bounded read: the newest batches, filtered here, tell the newest seq and epoch too.
  const newest = await readHistory(deps.buffer, container, { maxLines });
  const otherEpoch = epoch !== undefined && newest.epoch !== undefined && epoch !== newest.epoch;
  if (otherEpoch || (afterSeq !== undefined && afterSeq > newest.newestSeq)) return { ...newest, reset: true };
  const after = afterSeq ?? 0;
  return { ...newest, batches: newest.batches.filter((batch) => batch.lastSeq > after), reset: false };
}
