/**
 * Which containers the log view shows, in the order they were added, and how several are laid
 * out: merged into one list by time, or side by side in panes. Only what is shown; which are
 * subscribed is the session's watch policy.
 */
import { createSignal, type Accessor } from 'solid-js';
import { containerKey, type ContainerRef } from '../../../protocol';

/** Several containers: one list interleaved by timestamp, or a pane each. */
export type ViewLayout = 'merged' | 'panes';

export interface SelectionStore {
  /** The first container shown (the one shown, when only one is). */
  readonly selected: Accessor<ContainerRef | undefined>;
  /** Every container shown, in the order added. */
  readonly watched: Accessor<readonly ContainerRef[]>;
  readonly layout: Accessor<ViewLayout>;
  isSelected(ref: ContainerRef): boolean;
  /** Shows this container alone (nothing: none). Returns the first shown before. */
  select(ref: ContainerRef | undefined): ContainerRef | undefined;
  /** Shows exactly these, in this order (repeats dropped). Returns those shown before that are not now. */
  show(refs: readonly ContainerRef[]): ContainerRef[];
  /** Adds a container to those shown; false when it was shown already. */
  add(ref: ContainerRef): boolean;
  /** Takes a container out of those shown; false when it was not shown. */
  remove(ref: ContainerRef): boolean;
  setLayout(layout: ViewLayout): void;
}

const plain = (ref: ContainerRef): ContainerRef => ({ agentId: ref.agentId, containerId: ref.containerId });

export function createSelectionStore(): SelectionStore {
  const [watched, setWatched] = createSignal<readonly ContainerRef[]>([], {
    equals: (a, b) => a.length === b.length && a.every((ref, i) => containerKey(ref) === containerKey(b[i]!)),
  });
  const [layout, setLayout] = createSignal<ViewLayout>('merged');
  const selected = () => watched()[0];
  // A handful of containers at most (the connection's cap is 50): a scan is as cheap as a set.
  const watchedKeys = () => new Set(watched().map(containerKey));

  const show = (refs: readonly ContainerRef[]): ContainerRef[] => {
    const seen = new Set<string>();
    const next = refs.filter((ref) => {
      const key = containerKey(ref);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const gone = watched().filter((ref) => !seen.has(containerKey(ref)));
    setWatched(next.map(plain));
    return gone;
  };

  return {
    selected,
    watched,
    layout,
    isSelected: (ref) => watched().some((shown) => containerKey(shown) === containerKey(ref)),
    select(ref) {
      const previous = watched()[0];
      show(ref === undefined ? [] : [ref]);
      return previous;
    },
    show,
    add(ref) {
      if (watchedKeys().has(containerKey(ref))) return false;
      setWatched([...watched(), plain(ref)]);
      return true;
    },
    remove(ref) {
      const key = containerKey(ref);
      if (!watchedKeys().has(key)) return false;
      setWatched(watched().filter((other) => containerKey(other) !== key));
      return true;
    },
    setLayout,
  };
}
