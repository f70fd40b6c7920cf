/** `agent.inventory`: an agent's containers changed; record them and tell the viewers (`host`). */
import { ProtocolError, type AgentInventory } from '../../protocol';
import { broadcastHost } from './broadcast-host';
import { checkInventorySize } from './check-inventory-size';
import { forgetConnections } from './forget-connections';
import type { AgentRecord, Caller, Deps } from './ports';

export async function updateInventory(deps: Deps, caller: Caller, message: AgentInventory): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
  checkInventorySize(message.containers);
  const updated = await deps.agents.updateContainers(
    caller.agentId,
    caller.connectionId,
    message.containers,
    new Date(deps.clock.now()).toISOString(),
  );
  if (!updated) {
    // The agent id is known from the credential, so "not registered yet" is told apart from
    // "superseded" by which connection is newer: this one, or the one holding the host record.
    const current = await deps.agents.get(caller.agentId);
    if (!current || isNewer(caller, current)) throw new ProtocolError('not_registered', 'send agent.register before agent.inventory');
    // A newer connection of the same agent owns the host record; this one is on its way out.
    deps.logger.warn('inventory from a superseded agent connection ignored', { agentId: caller.agentId, connectionId: caller.connectionId });
    return;
  }
  const agent = await deps.agents.get(caller.agentId);
  if (agent) await forgetConnections(deps, await broadcastHost(deps, agent));
}

/** The same order as registrations (Agents.put): connection time, then connection id. */
function isNewer(caller: Caller, current: AgentRecord): boolean {
  const [at, currentAt] = [caller.connectedAt ?? 0, current.connectedAt ?? 0];
  return currentAt < at || (currentAt === at && current.connectionId < caller.connectionId);
}
