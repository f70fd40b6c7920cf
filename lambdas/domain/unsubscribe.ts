/** `log.unsubscribe`: a viewer stops watching; the last one to leave stops the agent's stream. */
import type { LogUnsubscribe } from '../../protocol';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';
import { sendToAgent } from './send-to-agent';

export async function unsubscribe(deps: Deps, caller: Caller, request: LogUnsubscribe): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  await deps.subscriptions.remove(caller.connectionId, container);
  if (await deps.subscriptions.hasSubscribers(container)) return;

  const agent = await deps.agents.get(request.agentId);
  if (!agent) return;
  const gone = await sendToAgent(deps, agent, { action: 'log.stream.stop', containerId: request.containerId });
  await forgetConnections(deps, gone);
}
