/**
 * Hosts and their containers, as last reported by the cloud's `inventory` chunks, `host` status
 * updates and `host.containers` changes (merged as host-merge.ts says). Hosts are kept across
 * reconnects: the next inventory merges into them.
 */
import { createStore, reconcile } from 'solid-js/store';
import { containerKey, type ContainerInfo, type ContainerRef, type HostContainerChanges, type HostInfo, type HostStatus } from '../../../protocol';
import { applyContainerChanges, applyHostStatus, mergeInventoryHost, type KnownHost } from './host-merge';
import { sortHosts } from './inventory-order';

/** A host as shown: with, per container, when the agent saw it as shown, where the dashboard knows it. */
export interface HostView extends HostInfo {
  /** By container id: the observedAt of the `host.containers` change it came from. */
  readonly reportedAt: Readonly<Record<string, number>>;
}

export interface InventoryStore {
  /** False until a complete inventory (its `done: true` chunk) has arrived once. */
  readonly loaded: () => boolean;
  readonly hosts: () => readonly HostView[];
  /** Merges the hosts of an inventory chunk, by agentId. */
  upsert(hosts: readonly HostInfo[]): void;
  /** A host registered or went offline. */
  applyStatus(host: HostStatus): void;
  /** Some containers of a host changed. */
  applyChanges(change: HostContainerChanges): void;
  /** The last chunk of an inventory arrived. */
  markLoaded(): void;
  find(ref: ContainerRef): { host: HostView; container: ContainerInfo } | undefined;
}

export function createInventoryStore(): InventoryStore {
  const [state, setState] = createStore<{ loaded: boolean; hosts: HostView[] }>({ loaded: false, hosts: [] });
  // Not reactive: when each container was observed matters to merging, never to what is shown.
  const known = new Map<string, KnownHost>();
  const publish = (): void => {
    // reconcile keeps unchanged hosts/containers identical, so their rows do not re-render.
    const views = [...known.values()].map((entry): HostView => ({ ...entry.host, reportedAt: reportedAt(entry) }));
    setState('hosts', reconcile(sortHosts(views), { key: 'agentId' }));
  };
  return {
    loaded: () => state.loaded,
    hosts: () => state.hosts,
    upsert(hosts) {
      for (const host of hosts) known.set(host.agentId, mergeInventoryHost(known.get(host.agentId), host));
      publish();
    },
    applyStatus(host) {
      known.set(host.agentId, applyHostStatus(known.get(host.agentId), host));
      publish();
    },
    applyChanges(change) {
      known.set(change.agentId, applyContainerChanges(known.get(change.agentId), change));
      publish();
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

/** Only changes say when each container was seen; an inventory's list says it for the host as a whole. */
function reportedAt(entry: KnownHost): Record<string, number> {
  const times: Record<string, number> = {};
  for (const [id, clock] of entry.clocks) if (!clock.removed && !clock.listed) times[id] = clock.at;
  return times;
}
