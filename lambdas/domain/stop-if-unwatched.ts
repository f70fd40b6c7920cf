/**
 * Stops a container's stream once nobody watches it. A viewer may subscribe between the check and
 * the stop reaching the agent: its subscribe's `log.stream.start` can then arrive BEFORE our stop,
 * leaving the stream stopped under a subscriber. So after the stop, the subscribers are checked
 * again (a consistent read) and, if one turned up, the stream is started again — the start is
 * idempotent on the agent and now arrives after the stop.
 */
import type { ContainerRef } from '../../protocol';
import type { Deps, GoneConnection } from './ports';
import { sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

/** The agent's connection when it turned out to be gone. */
export async function stopIfUnwatched(deps: Deps, container: ContainerRef): Promise<GoneConnection[]> {
  if (await deps.subscriptions.hasSubscribers(container)) return [];
  const agent = await deps.agents.get(container.agentId);
  if (!agent) return [];
  const gone = await sendToAgent(deps, agent, { action: 'log.stream.stop', containerId: container.containerId });
  if (gone.length > 0 || !agent.online) return gone;

  if (!(await deps.subscriptions.hasSubscribers(container))) return [];
  return sendToAgent(deps, agent, await streamStartMessage(deps, container));
}
