/** Hosts and their containers, as last reported by the cloud's `inventory` message. */
import { createStore, reconcile } from 'solid-js/store';
import { containerKey, type ContainerInfo, type ContainerRef, type HostInfo } from '../../../protocol';
import { sortHosts } from './inventory-order';

export interface InventoryStore {
  /** False until the first `inventory` arrives. */
  readonly loaded: () => boolean;
  readonly hosts: () => readonly HostInfo[];
  setHosts(hosts: readonly HostInfo[]): void;
  find(ref: ContainerRef): { host: HostInfo; container: ContainerInfo } | undefined;
}

export function createInventoryStore(): InventoryStore {
  const [state, setState] = createStore<{ loaded: boolean; hosts: HostInfo[] }>({ loaded: false, hosts: [] });
  return {
    loaded: () => state.loaded,
    hosts: () => state.hosts,
    setHosts(hosts) {
      // reconcile keeps unchanged hosts/containers identical, so their rows do not re-render.
      setState('hosts', reconcile(sortHosts(hosts), { key: 'agentId' }));
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
