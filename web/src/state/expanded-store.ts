/**
 * Which JSON lines the reader opened into a tree, by row key. Kept outside the rows so that a
 * line scrolled out of the virtual list (its element gone) is still open when it comes back.
 */
import { createSignal, type Accessor } from 'solid-js';

export interface ExpandedStore {
  readonly expanded: Accessor<ReadonlySet<string>>;
  isExpanded(key: string): boolean;
  toggle(key: string): void;
  /** Another container's lines are shown: their keys mean other lines. */
  clear(): void;
}

export function createExpandedStore(): ExpandedStore {
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  return {
    expanded,
    isExpanded: (key) => expanded().has(key),
    toggle(key) {
      setExpanded((held) => {
        const next = new Set(held);
        if (!next.delete(key)) next.add(key);
        return next;
      });
    },
    clear: () => setExpanded(new Set<string>()),
  };
}
