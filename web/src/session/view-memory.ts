/**
 * The view remembered across reloads: which containers were shown (localStorage, typed here so
 * node can run a session too). Stored as their keys (`agentId/containerId`), comma-separated —
 * ids are letters, digits, `.`, `_` and `-` only (protocol SafeId), so neither character occurs
 * in them. A value written before several containers could be shown is one key, read the same.
 */
import { containerKey, type ContainerRef } from '../../../protocol';
import type { HostView } from '../state/inventory-store';

export interface ViewStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const SELECTED_KEY = 'sidetail.selectedContainer';

export interface ViewMemory {
  /** Remembers the containers shown now (nothing shown: the last ones stay remembered). */
  remember(refs: readonly ContainerRef[]): void;
  /** The remembered containers the inventory holds, in the order they were shown. */
  recall(hosts: readonly HostView[]): ContainerRef[];
}

export function createViewMemory(storage: ViewStorage | undefined): ViewMemory {
  return {
    remember(refs) {
      if (refs.length > 0) storage?.setItem(SELECTED_KEY, refs.map(containerKey).join(','));
    },
    recall(hosts) {
      const remembered = storage?.getItem(SELECTED_KEY);
      if (!remembered) return [];
      const known = new Map<string, ContainerRef>();
      for (const host of hosts) for (const c of host.containers) known.set(containerKey({ agentId: host.agentId, containerId: c.id }), { agentId: host.agentId, containerId: c.id });
      return remembered
        .split(',')
        .map((key) => known.get(key))
        .filter((ref): ref is ContainerRef => ref !== undefined);
    },
  };
}
