/**
 * `agent.register`: an agent (re)connected. Record the host as online on this connection, bring its
 * containers up to date (writing only what differs, see reconcile-containers), confirm it to the
 * agent (which holds its batches until then) with the containers viewers watch — the agent stops
 * every other follow, so a `log.stream.stop` lost while it was away is made good — tell the viewers
 * (`host`, and `host.containers` if any changed), and start the streams viewers are waiting for —
 * with resume points, so a restarted agent continues the numbering instead of starting over.
 */
import { ProtocolError, type AgentRegister } from '../../protocol';
import { broadcastContainerChanges } from './broadcast-container-changes';
import { broadcastHost } from './broadcast-host';
import { checkInventorySize } from './check-inventory-size';
import { forEachBounded } from './for-each-bounded';
import { hasChanges } from './diff-containers';
import { forgetConnections } from './forget-connections';
import { reconcileContainers } from './reconcile-containers';
import { reply } from './reply';
import type { AgentRecord, Caller, Deps, GoneConnection } from './ports';
import { sendToAgent } from './send-to-agent';
import { streamStartMessage } from './stream-start-message';

/** Subscriber look-ups in flight while deciding which streams to start. */
const START_CONCURRENCY = 8;

export async function registerAgent(deps: Deps, caller: Caller, message: AgentRegister): Promise<void> {
  // The agent id is the credential's (set at $connect), so a connection registers as one host only.
  if (!caller.agentId) throw new ProtocolError('forbidden', 'this connection\'s credential names no agent');
  if (caller.connectedAt === undefined) throw new Error('registerAgent needs caller.connectedAt to order registrations');
  checkInventorySize(message.containers);
  const agent: AgentRecord = {
    agentId: caller.agentId,
    hostName: message.hostName,
    agentVersion: message.agentVersion,
    connectionId: caller.connectionId,
    connectedAt: caller.connectedAt,
    online: true,
    updatedAt: new Date(deps.clock.now()).toISOString(),
  };
  if (!(await deps.agents.put(agent))) {
    // A late registration of a connection the agent has since replaced (API Gateway delivers a
    // dropped connection's messages late): the newer connection keeps the host.
    deps.logger.warn('registration from a superseded agent connection ignored', { agentId: agent.agentId, connectionId: caller.connectionId });
    throw new ProtocolError('forbidden', `agent ${agent.agentId} is registered from a newer connection; this one is superseded`);
  }
  const changed = await reconcileContainers(deps, agent.agentId, message.containers, message.observedAt ?? caller.requestTime);
  const watched = new Set<string>();
  await forEachBounded(message.containers, START_CONCURRENCY, async (info) => {
    if (await deps.subscriptions.hasSubscribers({ agentId: agent.agentId, containerId: info.id })) watched.add(info.id);
  });
  // In inventory order, whatever order the look-ups finished in.
  const watchedIds = message.containers.map((info) => info.id).filter((id) => watched.has(id));
  // The list is authoritative: the agent stops every other follow (a stop sent while it was away is lost).
  if ((await reply(deps, caller, { action: 'agent.registered', agentId: agent.agentId, watched: watchedIds })) === 'gone') return;

  const gone: GoneConnection[] = await broadcastHost(deps, agent);
  if (hasChanges(changed)) gone.push(...(await broadcastContainerChanges(deps, agent.agentId, changed)));
  await forEachBounded(watchedIds, START_CONCURRENCY, async (containerId) => {
    gone.push(...(await sendToAgent(deps, agent, await streamStartMessage(deps, { agentId: agent.agentId, containerId }, { catchUp: false }))));
  });
  await forgetConnections(deps, gone);
}
