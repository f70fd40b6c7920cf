/**
 * Which containers are subscribed: the policy between what the reader shows (the selection
 * store) and the connection's subscriptions. Every container shown is subscribed, each on its
 * own (a refused subscribe concerns only its container: subscribe-retry.ts).
 *
 * A container taken out of the view stays subscribed for LINGER_MS (its tail check stopped), so
 * that going back to it — clicking between two containers — is instant and costs nothing. Then
 * it is released: unsubscribed and its lines dropped, so the memory held is that of the
 * containers on screen, not of every container ever clicked. Shown again later, it is subscribed
 * afresh and gets its history. At most MAX_LINGERING wait at once (the oldest goes first): a
 * connection holds at most 50 subscriptions.
 */
import { containerKey, type ContainerRef } from '../../../protocol';
import type { SelectionStore } from '../state/selection-store';

export const LINGER_MS = 60_000;
export const MAX_LINGERING = 8;

export interface WatchTargets {
  readonly selection: SelectionStore;
  subscribe(ref: ContainerRef): void;
  /** Out of view, still subscribed: stop checking its tail. */
  unwatch(ref: ContainerRef): void;
  /** Back in view while still subscribed: check its tail again. */
  rewatch(ref: ContainerRef): void;
  /** Unsubscribes, stops everything that ran for the container, and drops its lines. */
  release(ref: ContainerRef): void;
  /** The containers shown changed (to remember them). */
  onShown(refs: readonly ContainerRef[]): void;
}

export interface WatchPolicy {
  /** Shows a container alone: the others leave the view. */
  select(ref: ContainerRef): void;
  /** Shows exactly these containers (a link, the view remembered). */
  show(refs: readonly ContainerRef[]): void;
  /** Adds a container to those shown, subscribing it. */
  add(ref: ContainerRef): void;
  /** Takes a container out of the view (released after LINGER_MS). */
  remove(ref: ContainerRef): void;
  /** Adds it, or — when it is shown among others — takes it out (a shift-click). */
  toggle(ref: ContainerRef): void;
  /** Whether the container is shown (its tail is checked). */
  isShown(ref: ContainerRef): boolean;
  /** Releases every container waiting out of view. */
  close(): void;
}

export function createWatchPolicy(targets: WatchTargets): WatchPolicy {
  const { selection } = targets;
  const subscribed = new Set<string>();
  /** Containers out of view, still subscribed, by key, oldest first (a Map keeps insertion order). */
  const lingering = new Map<string, { readonly ref: ContainerRef; readonly timer: ReturnType<typeof setTimeout> }>();

  const release = (key: string): void => {
    const waiting = lingering.get(key);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    lingering.delete(key);
    subscribed.delete(key);
    targets.release(waiting.ref);
  };
  const watch = (ref: ContainerRef): void => {
    const key = containerKey(ref);
    const waiting = lingering.get(key);
    if (waiting) {
      clearTimeout(waiting.timer);
      lingering.delete(key);
      targets.rewatch(ref);
      return;
    }
    if (subscribed.has(key)) return;
    subscribed.add(key);
    targets.subscribe(ref);
  };
  const leave = (ref: ContainerRef): void => {
    const key = containerKey(ref);
    if (!subscribed.has(key) || lingering.has(key)) return;
    targets.unwatch(ref);
    lingering.set(key, { ref, timer: setTimeout(() => release(key), LINGER_MS) });
    for (const oldest of lingering.keys()) {
      if (lingering.size <= MAX_LINGERING) break;
      release(oldest);
    }
  };
  const shown = (): void => targets.onShown(selection.watched());

  const show = (refs: readonly ContainerRef[]): void => {
    const gone = selection.show(refs);
    for (const ref of selection.watched()) watch(ref);
    for (const ref of gone) leave(ref);
    shown();
  };
  const add = (ref: ContainerRef): void => {
    if (!selection.add(ref)) return;
    watch(ref);
    shown();
  };
  const remove = (ref: ContainerRef): void => {
    if (!selection.remove(ref)) return;
    leave(ref);
    shown();
  };
  const isShown = (ref: ContainerRef): boolean => {
    const key = containerKey(ref);
    return selection.watched().some((other) => containerKey(other) === key);
  };

  return {
    select: (ref) => show([ref]),
    show,
    add,
    remove,
    toggle(ref) {
      if (!isShown(ref)) add(ref);
      else if (selection.watched().length > 1) remove(ref);
    },
    isShown,
    close() {
      for (const key of [...lingering.keys()]) release(key);
    },
  };
}
