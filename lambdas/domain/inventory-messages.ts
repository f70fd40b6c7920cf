/**
 * What viewers learn about hosts: the `inventory` answer to inventory.get, split into messages
 * that each stay under MAX_MESSAGE_BYTES (hosts packed greedily, the last one `done: true`, at
 * least one even with no hosts), and the `host` message for a single changed host.
 */
import { byteLength, encode, MAX_MESSAGE_BYTES, type HostInfo, type HostUpdate, type Inventory } from '../../protocol';
import type { AgentRecord } from './ports';

export function inventoryMessages(agents: readonly AgentRecord[], maxBytes = MAX_MESSAGE_BYTES): Inventory[] {
  const message = (hosts: HostInfo[], done: boolean): Inventory => ({ action: 'inventory', hosts, done });
  // `"done":false` is the longer spelling, so this envelope size is an upper bound.
  const envelopeBytes = byteLength(encode(message([], false)));

  const chunks: HostInfo[][] = [];
  let chunk: HostInfo[] = [];
  let chunkBytes = envelopeBytes;
  for (const agent of agents) {
    const host = hostInfo(agent);
    // +1 for the comma between hosts. A host always fits a message of its own: its container
    // list is refused above MAX_INVENTORY_BYTES, well under the message limit.
    const hostBytes = byteLength(JSON.stringify(host)) + 1;
    if (chunk.length > 0 && chunkBytes + hostBytes >= maxBytes) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = envelopeBytes;
    }
    chunk.push(host);
    chunkBytes += hostBytes;
  }
  chunks.push(chunk);
  return chunks.map((hosts, i) => message(hosts, i === chunks.length - 1));
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
