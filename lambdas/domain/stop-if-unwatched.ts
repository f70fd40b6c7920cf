/**
 * Stops a container's stream once nobody watches it. A viewer may subscribe between the check and
 * the stop reaching the agent: its subscribe's `log.stream.start` can then arrive BEFORE our stop,
 * leaving the stream stopped under a subscriber. So after the stop, the subscribers are checked
 * again (a consistent read) and, if one turned up, the stream is started again — the start is
 * idempotent on the agent and now arrives after the stop.
 *
 * A stop that cannot be posted even after retrying is logged, not thrown: nobody waits for it, and
 * the container's next batch, finding no subscriber, stops the stream again (ingest-batch).
 */
import type { ContainerRef } from '../../protocol';
import type { Deps, GoneConnection } from './ports';
import { AgentUnreachable, sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

/** The agent's connection when it turned out to be gone. */
export async function stopIfUnwatched(deps: Deps, container: ContainerRef): Promise<GoneConnection[]> {
  if (await deps.subscriptions.hasSubscribers(container)) return [];
  const agent = await deps.agents.get(container.agentId);
  if (!agent) return [];
  let gone: GoneConnection[];
  try {
    gone = await sendToAgent(deps, agent, { action: 'log.stream.stop', containerId: container.containerId });
  } catch (error) {
    if (!(error instanceof AgentUnreachable)) throw error;
    deps.logger.error('stream stop lost: the container\'s next batch stops it again', { ...container });
    return [];
  }
  if (gone.length > 0 || !agent.online) return gone;

  if (!(await deps.subscriptions.hasSubscribers(container))) return [];
  // A subscriber came meanwhile: its subscribe's start (a catch-up) may have gone before the stop.
  return sendToAgent(deps, agent, await streamStartMessage(deps, container, { catchUp: true }));
}
