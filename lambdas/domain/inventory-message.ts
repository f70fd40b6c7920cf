/** The `inventory` message viewers get: every known host, online or not. */
import type { HostInfo, Inventory } from '../../protocol';
import type { AgentRecord } from './ports';

export function inventoryMessage(agents: readonly AgentRecord[]): Inventory {
  return { action: 'inventory', hosts: agents.map(hostInfo) };
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
