/**
 * The view remembered across reloads: which containers were shown, and how several are laid out
 * (localStorage, typed here so node can run a session too). The containers are stored as their
 * keys (`agentId/containerId`), comma-separated — ids are letters, digits, `.`, `_` and `-` only
 * (protocol SafeId), so neither character occurs in them. A value written before several
 * containers could be shown is one key, read the same. The layout is stored under its own key,
 * as its name.
 *
 * Anything can be in storage (another version, another app on the origin, a hand edit): what
 * cannot be read is ignored, never thrown, and a storage that refuses (private mode, full) only
 * means nothing is remembered.
 */
import { containerKey, type ContainerRef } from '../../../protocol';
import type { HostView } from '../state/inventory-store';
import { VIEW_LAYOUTS, type ViewLayout } from '../state/selection-store';

export interface ViewStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const SELECTED_KEY = 'sidetail.selectedContainer';
export const LAYOUT_KEY = 'sidetail.layout';

export interface ViewMemory {
  /** Remembers the containers shown now (nothing shown: the last ones stay remembered). */
  remember(refs: readonly ContainerRef[]): void;
  /** The remembered containers the inventory holds, in the order they were shown. */
  recall(hosts: readonly HostView[]): ContainerRef[];
  /** Remembers how several containers are laid out. */
  rememberLayout(layout: ViewLayout): void;
  /** The layout remembered; undefined when none is, or what is stored names no layout. */
  recallLayout(): ViewLayout | undefined;
}

export function createViewMemory(storage: ViewStorage | undefined): ViewMemory {
  const read = (key: string): string | null => {
    try {
      return storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  };
  const write = (key: string, value: string): void => {
    try {
      storage?.setItem(key, value);
    } catch {
      // Storage full or refused: the view holds for this page only.
    }
  };
  return {
    remember(refs) {
      if (refs.length > 0) write(SELECTED_KEY, refs.map(containerKey).join(','));
    },
    recall(hosts) {
      const remembered = read(SELECTED_KEY);
      if (!remembered) return [];
      const known = new Map<string, ContainerRef>();
      for (const host of hosts) for (const c of host.containers) known.set(containerKey({ agentId: host.agentId, containerId: c.id }), { agentId: host.agentId, containerId: c.id });
      return remembered
        .split(',')
        .map((key) => known.get(key))
        .filter((ref): ref is ContainerRef => ref !== undefined);
    },
    rememberLayout(layout) {
      write(LAYOUT_KEY, layout);
    },
    recallLayout() {
      const remembered = read(LAYOUT_KEY);
      return VIEW_LAYOUTS.find((layout) => layout === remembered);
    },
  };
}
