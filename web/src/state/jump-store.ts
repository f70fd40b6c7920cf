/**
 * A place in the lines to show: named by a link (state/view-link.ts) or by a click on the
 * histogram. The place is kept as asked (the link keeps naming it); once the lines hold it, it is
 * resolved to one row (`reveal`), which the log view scrolls to, pausing follow there. Following
 * again lets go of it. In a store so that a link, a click or a shortcut drive it alike.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { ViewPlace } from './view-link';

export interface Reveal {
  /** The row to bring into view. */
  readonly key: string;
}

export interface JumpStore {
  /** The place asked for, until the reader follows again. */
  readonly place: Accessor<ViewPlace | undefined>;
  /** The row the place resolved to; a new object for each jump, so the same row can be revealed twice. */
  readonly reveal: Accessor<Reveal | undefined>;
  jumpTo(place: ViewPlace): void;
  /** The lines hold the place: this row is it. */
  resolved(key: string): void;
  clear(): void;
}

export function createJumpStore(): JumpStore {
  const [place, setPlace] = createSignal<ViewPlace | undefined>(undefined);
  const [reveal, setReveal] = createSignal<Reveal | undefined>(undefined);
  return {
    place,
    reveal,
    jumpTo(next) {
      setReveal(undefined);
      setPlace(next);
    },
    resolved: (key) => setReveal({ key }),
    clear() {
      setPlace(undefined);
      setReveal(undefined);
    },
  };
}
