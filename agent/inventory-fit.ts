/**
 * Keeps a container list within the protocol: at most 1000 containers and MAX_INVENTORY_BYTES
 * serialized, so both the agent's message and the cloud's `host` message that wraps it fit
 * API Gateway's 128 KB. A host with more keeps the containers a viewer most likely wants —
 * running ones first, then the newest — and the caller is told how many were left out.
 */
import { MAX_INVENTORY_BYTES, byteLength, type ContainerInfo } from '../protocol';

export const MAX_INVENTORY_CONTAINERS = 1000;

export interface FittedInventory {
  readonly containers: ContainerInfo[];
  readonly omitted: number;
}

export function fitInventory(containers: readonly ContainerInfo[]): FittedInventory {
  const ordered = [...containers].sort(
    (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || b.createdAt - a.createdAt,
  );
  // "[]", then each container's JSON plus a comma.
  let bytes = 2;
  const kept: ContainerInfo[] = [];
  for (const container of ordered) {
    if (kept.length === MAX_INVENTORY_CONTAINERS) break;
    const next = bytes + byteLength(JSON.stringify(container)) + (kept.length > 0 ? 1 : 0);
    if (next > MAX_INVENTORY_BYTES) break;
    kept.push(container);
    bytes = next;
  }
  // Keep Docker's order for what fits: it is the order users know from `docker ps -a`.
  const keptIds = new Set(kept.map((c) => c.id));
  return { containers: containers.filter((c) => keptIds.has(c.id)), omitted: containers.length - kept.length };
}
