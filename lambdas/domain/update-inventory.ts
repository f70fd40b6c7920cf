/**
 * `agent.inventory`: some of an agent's containers changed. Store each change (only if no newer
 * observation of that container is stored) and tell the viewers what was stored (`host.containers`).
 */
import { ProtocolError, type AgentInventory } from '../../protocol';
import { broadcastContainerChanges } from './broadcast-container-changes';
import { checkContainerChanges } from './check-container-changes';
import { hasChanges } from './diff-containers';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';

export async function updateInventory(deps: Deps, caller: Caller, message: AgentInventory): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
  checkContainerChanges(message);
  const agent = await deps.agents.get(caller.agentId);
  if (agent?.connectionId !== caller.connectionId) {
    // A newer connection of the same agent owns the host record; this one is on its way out (its
    // registration, on the newer connection, brought the containers up to date).
    deps.logger.warn('inventory from a superseded agent connection ignored', { agentId: caller.agentId, connectionId: caller.connectionId });
    return;
  }
  const stored = await deps.hostContainers.apply(caller.agentId, message);
  if (hasChanges(stored)) await forgetConnections(deps, await broadcastContainerChanges(deps, caller.agentId, stored));
}
