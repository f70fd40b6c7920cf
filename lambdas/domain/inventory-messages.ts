/**
 * What viewers learn about hosts: the `inventory` answer to inventory.get, split into messages
 * that each stay under MAX_MESSAGE_BYTES (hosts packed greedily, the last one `done: true`, at
 * least one even with no hosts), and the `host` message for a single changed host.
 */
import { MAX_MESSAGE_BYTES, type HostInfo, type HostUpdate, type Inventory } from '../../protocol';
import type { AgentRecord } from './ports';
import { splitBySize } from './split-by-size';

export function inventoryMessages(agents: readonly AgentRecord[], maxBytes = MAX_MESSAGE_BYTES): Inventory[] {
  const message = (hosts: HostInfo[], done: boolean): Inventory => ({ action: 'inventory', hosts, done });
  // A host always fits a message of its own: its container list is refused above
  // MAX_INVENTORY_BYTES, well under the message limit.
  return splitBySize(agents.map(hostInfo), maxBytes, message);
}

export function hostMessage(agent: AgentRecord): HostUpdate {
  return { action: 'host', host: hostInfo(agent) };
}

function hostInfo(agent: AgentRecord): HostInfo {
  return {
    agentId: agent.agentId,
    hostName: agent.hostName,
    online: agent.online,
    updatedAt: agent.updatedAt,
    containers: [...agent.containers],
  };
}
