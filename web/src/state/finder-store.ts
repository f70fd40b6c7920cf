/** Whether the container search (Ctrl/Cmd-K) is open: a store, so a shortcut, a button or a link can open it. */
import { createSignal, type Accessor } from 'solid-js';

export interface FinderStore {
  readonly open: Accessor<boolean>;
  show(): void;
  hide(): void;
}

export function createFinderStore(): FinderStore {
  const [open, setOpen] = createSignal(false);
  return { open, show: () => setOpen(true), hide: () => setOpen(false) };
}
