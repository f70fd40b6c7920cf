/**
 * Which containers the log view shows, in the order they were added, and how several are laid
 * out: merged into one list by time, or side by side in panes. Only what is shown; which are
 * subscribed is the session's watch policy.
 */
import { createSignal, type Accessor } from 'solid-js';
import { containerKey, type ContainerRef } from '../../../protocol';

/**
 * The most containers one view shows. More is no longer readable, merged or side by side; and
 * with those waiting out of view (watch-policy.ts, MAX_LINGERING) a view stays within the
 * subscriptions the cloud allows one connection (MAX_SUBSCRIPTIONS_PER_CONNECTION).
 */
export const MAX_SHOWN = 16;

/** Several containers: one list interleaved by timestamp, or a pane each. The first is the default. */
export const VIEW_LAYOUTS = ['merged', 'panes'] as const;
export type ViewLayout = (typeof VIEW_LAYOUTS)[number];

export interface SelectionStore {
  /** The first container shown (the one shown, when only one is). */
  readonly selected: Accessor<ContainerRef | undefined>;
  /** Every container shown, in the order added. */
  readonly watched: Accessor<readonly ContainerRef[]>;
  readonly layout: Accessor<ViewLayout>;
  /** As many containers are shown as a view may show (MAX_SHOWN): none can be added. */
  readonly full: Accessor<boolean>;
  isSelected(ref: ContainerRef): boolean;
  /** Shows this container alone (nothing: none). Returns the first shown before. */
  select(ref: ContainerRef | undefined): ContainerRef | undefined;
  /** Shows exactly these, in this order (repeats dropped, the first MAX_SHOWN). Returns those shown before that are not now. */
  show(refs: readonly ContainerRef[]): ContainerRef[];
  /** Adds a container to those shown; false when it was shown already, or the view is full. */
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
  const watchedKeys = () => new Set(watched().map(containerKey));

  const show = (refs: readonly ContainerRef[]): ContainerRef[] => {
    const seen = new Set<string>();
    const next = refs
      .filter((ref) => {
        const key = containerKey(ref);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .slice(0, MAX_SHOWN);
    const kept = new Set(next.map(containerKey));
    const gone = watched().filter((ref) => !kept.has(containerKey(ref)));
    setWatched(next.map(plain));
    return gone;
  };

  return {
    selected,
    watched,
    layout,
    full: () => watched().length >= MAX_SHOWN,
    isSelected: (ref) => watched().some((shown) => containerKey(shown) === containerKey(ref)),
    select(ref) {
      const previous = watched()[0];
      show(ref === undefined ? [] : [ref]);
      return previous;
    },
    show,
    add(ref) {
      if (watchedKeys().has(containerKey(ref)) || watched().length >= MAX_SHOWN) return false;
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
