/**
 * Hosts and their containers, as last reported by the cloud's `inventory` chunks and `host` updates.
 * Hosts are kept across reconnects: the next inventory upserts them (see host-merge.ts).
 */
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { containerKey, type ContainerInfo, type ContainerRef, type HostInfo } from '../../../protocol';
import { upsertHosts } from './host-merge';
import { sortHosts } from './inventory-order';

export interface InventoryStore {
  /** False until a complete inventory (its `done: true` chunk) has arrived once. */
  readonly loaded: () => boolean;
  readonly hosts: () => readonly HostInfo[];
  /** Upserts hosts by agentId, keeping whichever report of a host is newer. */
  upsert(hosts: readonly HostInfo[]): void;
  /** The last chunk of an inventory arrived. */
  markLoaded(): void;
  find(ref: ContainerRef): { host: HostInfo; container: ContainerInfo } | undefined;
}

export function createInventoryStore(): InventoryStore {
  const [state, setState] = createStore<{ loaded: boolean; hosts: HostInfo[] }>({ loaded: false, hosts: [] });
  return {
    loaded: () => state.loaded,
    hosts: () => state.hosts,
    upsert(hosts) {
      const merged = upsertHosts(unwrap(state.hosts), hosts);
      // reconcile keeps unchanged hosts/containers identical, so their rows do not re-render.
      setState('hosts', reconcile(sortHosts(merged), { key: 'agentId' }));
    },
    markLoaded() {
      setState('loaded', true);
    },
    find(ref) {
      const key = containerKey(ref);
      for (const host of state.hosts) {
        const container = host.containers.find((c) => containerKey({ agentId: host.agentId, containerId: c.id }) === key);
        if (container) return { host, container };
      }
      return undefined;
    },
  };
}
