/**
 * `log.subscribe`: a viewer starts watching a container. The subscription is written FIRST, so
 * every line stored from then on is broadcast to the viewer; the history read afterwards may
 * repeat a few of those lines, which the viewer drops by seq — none can fall in between.
 */
import { ProtocolError, type LogSubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import { historyMessages } from './history-messages';
import type { Caller, Deps } from './ports';
import { readHistory } from './read-history';
import { reply } from './reply';
import { sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

export async function subscribe(deps: Deps, caller: Caller, request: LogSubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const agent = await deps.agents.get(request.agentId);
  if (!agent) throw new ProtocolError('unknown_target', `no agent ${JSON.stringify(request.agentId)} has ever registered`);

  await deps.subscriptions.add(caller.connectionId, container, caller.requestTime);

  const lines = await readHistory(deps.buffer, container, { maxLines: deps.settings.bufferLines, afterSeq: request.afterSeq });
  for (const message of historyMessages(container, lines)) {
    // The viewer left meanwhile: reply() has forgotten it and its subscription; nothing to start.
    if ((await reply(deps, caller, message)) === 'gone') return;
  }

  // An offline agent is sent the start when it registers again; the subscription waits for it.
  const gone = await sendToAgent(deps, agent, await streamStartMessage(deps, container));
  await forgetConnections(deps, gone);
}
