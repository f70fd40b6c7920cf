/**
 * `agent.register`: an agent (re)connected. Record the host as online on this connection, confirm
 * it to the agent (which holds its batches until then), tell the viewers (`host`), and start the streams
 * viewers are already waiting for — with resume points, so a restarted agent continues the
 * numbering instead of starting over.
 */
import type { AgentRegister } from '../../protocol';
import { broadcastHost } from './broadcast-host';
import { checkInventorySize } from './check-inventory-size';
import { forEachBounded } from './for-each-bounded';
import { forgetConnections } from './forget-connections';
import { reply } from './reply';
import type { AgentRecord, Caller, Deps, GoneConnection } from './ports';
import { sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

/** Subscriber look-ups in flight while deciding which streams to start. */
const START_CONCURRENCY = 8;

export async function registerAgent(deps: Deps, caller: Caller, message: AgentRegister): Promise<void> {
  checkInventorySize(message.containers);
  const agent: AgentRecord = {
    agentId: message.agentId,
    hostName: message.hostName,
    agentVersion: message.agentVersion,
    connectionId: caller.connectionId,
    online: true,
    updatedAt: new Date(deps.clock.now()).toISOString(),
    containers: message.containers,
  };
  await deps.connections.setAgentId(caller.connectionId, agent.agentId);
  await deps.agents.put(agent);
  if ((await reply(deps, caller, { action: 'agent.registered', agentId: agent.agentId })) === 'gone') return;

  const gone: GoneConnection[] = await broadcastHost(deps, agent);
  await forEachBounded(message.containers, START_CONCURRENCY, async (info) => {
    const container = { agentId: agent.agentId, containerId: info.id };
    if (!(await deps.subscriptions.hasSubscribers(container))) return;
    gone.push(...(await sendToAgent(deps, agent, await streamStartMessage(deps, container))));
  });
  await forgetConnections(deps, gone);
}
