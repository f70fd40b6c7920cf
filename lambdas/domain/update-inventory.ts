/**
 * `agent.inventory`: some of an agent's containers changed. Store each change (only if no newer
 * observation of that container is stored), tell the viewers what was stored (`host.containers`),
 * then acknowledge it to the agent (`inventory.ack`).
 */
import { ProtocolError, type AgentInventory } from '../../protocol';
import { broadcastContainerChanges } from './broadcast-container-changes';
import { checkContainerChanges } from './check-container-changes';
import { hasChanges } from './diff-containers';
import { forgetConnections } from './forget-connections';
import type { AgentRecord, Caller, Deps } from './ports';
import { reply } from './reply';

export async function updateInventory(deps: Deps, caller: Caller, message: AgentInventory): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
  checkContainerChanges(message);
  const agent = await deps.agents.get(caller.agentId);
  if (agent?.connectionId !== caller.connectionId) {
    // The agent id is known from the credential, so "not registered yet" is told apart from
    // "superseded" by which connection is newer: this one, or the one holding the host record.
    if (!agent || isNewer(caller, agent)) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
    // A newer connection of the same agent owns the host record; this one is on its way out (its
    // registration, on the newer connection, brought the containers up to date).
    deps.logger.warn('inventory from a superseded agent connection ignored', { agentId: caller.agentId, connectionId: caller.connectionId });
    return;
  }
  const stored = await deps.hostContainers.apply(caller.agentId, message);
  if (hasChanges(stored)) await forgetConnections(deps, await broadcastContainerChanges(deps, caller.agentId, stored));
  // Only now: the agent sends an unacknowledged inventory again (a retry relays it again).
  await reply(deps, caller, { action: 'inventory.ack', observedAt: message.observedAt });
}

/** The same order as registrations (Agents.put): connection time, then connection id. */
function isNewer(caller: Caller, current: AgentRecord): boolean {
  const [at, currentAt] = [caller.connectedAt ?? 0, current.connectedAt ?? 0];
  return currentAt < at || (currentAt === at && current.connectionId < caller.connectionId);
}
