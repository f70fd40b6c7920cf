/**
 * `log.subscribe`: a viewer starts watching a container. The subscription is written FIRST, so
 * every line stored from then on is broadcast to the viewer; the history read afterwards may
 * repeat a few of those lines, which the viewer drops by seq — none can fall in between.
 *
 * When the viewer's `afterSeq` is of another numbering than the buffer's — its `epoch` differs
 * from the newest stored one, or (a viewer that names no epoch) it is ahead of the buffer's newest
 * line — the numbering started over (the buffer expired and the agent numbered from 1 again): the
 * viewer gets the whole buffer, marked `reset`, instead of nothing followed by live lines it
 * would drop as already seen.
 */
import { ProtocolError, type ContainerRef, type LogSubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import { historyMessages } from './history-messages';
import { newestBufferedSeq } from './newest-buffered-seq';
import type { Caller, Deps } from './ports';
import { readHistory, type History } from './read-history';
import { reply } from './reply';
import { sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

export async function subscribe(deps: Deps, caller: Caller, request: LogSubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const agent = await deps.agents.get(request.agentId);
  if (!agent) throw new ProtocolError('unknown_target', `no agent ${JSON.stringify(request.agentId)} has ever registered`);

  await deps.subscriptions.add(caller.connectionId, container, caller.requestTime);

  const { lines, reset, epoch } = await historyFor(deps, container, request.afterSeq, request.epoch);
  for (const message of historyMessages(container, lines, { reset, epoch })) {
    // The viewer left meanwhile: reply() has forgotten it and its subscription; nothing to start.
    if ((await reply(deps, caller, message)) === 'gone') return;
  }

  // An offline agent is sent the start when it registers again; the subscription waits for it.
  const gone = await sendToAgent(deps, agent, await streamStartMessage(deps, container));
  await forgetConnections(deps, gone);
}

async function historyFor(
  deps: Deps,
  container: ContainerRef,
  afterSeq: number | undefined,
  epoch: number | undefined,
): Promise<History & { reset: boolean }> {
  const maxLines = deps.settings.bufferLines;
  const history = await readHistory(deps.buffer, container, { maxLines, afterSeq });
  const otherEpoch = epoch !== undefined && history.epoch !== undefined && epoch !== history.epoch;
  // Within one epoch only an empty answer can hide a restart; the newest seq costs one more (lazy) read then.
  if (
    !otherEpoch &&
    (history.lines.length > 0 || afterSeq === undefined || afterSeq <= ((await newestBufferedSeq(deps.buffer, container))?.seq ?? 0))
  ) {
    return { ...history, reset: false };
  }
  return { ...(await readHistory(deps.buffer, container, { maxLines })), reset: true };
}
