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
import type { Caller, Deps } from './ports';
import { registrationOf } from './registration-of';
import { reply } from './reply';

export async function updateInventory(deps: Deps, caller: Caller, message: AgentInventory): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
  checkContainerChanges(message);
  const registration = await registrationOf(deps, { ...caller, agentId: caller.agentId });
  if (registration.kind === 'unregistered') throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
  if (registration.kind === 'superseded') {
    // This connection is on its way out: the registration on the newer one brought the containers up to date.
    deps.logger.warn('inventory from a superseded agent connection ignored', { agentId: caller.agentId, connectionId: caller.connectionId });
    return;
  }
  const stored = await deps.hostContainers.apply(caller.agentId, message);
  if (hasChanges(stored)) await forgetConnections(deps, await broadcastContainerChanges(deps, caller.agentId, stored));
  // Only now: the agent sends an unacknowledged inventory again (a retry relays it again).
  await reply(deps, caller, { action: 'inventory.ack', observedAt: message.observedAt });
}
