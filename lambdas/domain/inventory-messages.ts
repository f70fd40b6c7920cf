/**
 * What viewers learn about hosts: the `inventory` answer to inventory.get, split into messages
 * that each stay under MAX_MESSAGE_BYTES (hosts packed greedily, the last one `done: true`, at
 * least one even with no hosts); the `host` message for a host that registered or went offline;
 * and `host.containers` for containers of a host that changed.
 */
import { MAX_MESSAGE_BYTES, type HostContainerChanges, type HostInfo, type HostStatus, type HostUpdate, type Inventory } from '../../protocol';
import type { AgentRecord, ContainerChanges, ContainerEntry } from './ports';
import { splitBySize } from './split-by-size';

export function inventoryMessages(hosts: readonly HostInfo[], maxBytes = MAX_MESSAGE_BYTES): Inventory[] {
  const message = (chunk: HostInfo[], done: boolean): Inventory => ({ action: 'inventory', hosts: chunk, done });
  // A host always fits a message of its own: agents report at most MAX_INVENTORY_BYTES of
  // containers, well under the message limit.
  return splitBySize(hosts, maxBytes, message);
}

/** A host with the containers held for it; `observedAt` is the newest observation among them. */
export function hostInfo(agent: AgentRecord, entries: readonly ContainerEntry[]): HostInfo {
  const host: HostInfo = { ...hostStatus(agent), containers: entries.flatMap((entry) => (entry.info ? [entry.info] : [])) };
  if (entries.length === 0) return host;
  return { ...host, observedAt: Math.max(...entries.map((entry) => entry.observedAt)) };
}

export function hostMessage(agent: AgentRecord): HostUpdate {
  return { action: 'host', host: hostStatus(agent) };
}

export function containersMessage(agentId: string, changes: ContainerChanges): HostContainerChanges {
  return { action: 'host.containers', agentId, observedAt: changes.observedAt, upsert: [...changes.upsert], remove: [...changes.remove] };
}

function hostStatus(agent: AgentRecord): HostStatus {
  return {
    agentId: agent.agentId,
    hostName: agent.hostName,
    online: agent.online,
    updatedAt: agent.updatedAt,
    ...(agent.status ? { status: agent.status } : {}),
  };
}
