/**
 * Which containers are subscribed: the policy between what the reader shows (the selection
 * store) and the connection's subscriptions. Every container shown is subscribed, each on its
 * own (a refused subscribe concerns only its container: subscribe-retry.ts); one taken out of the
 * view is unsubscribed, and its tail check and re-subscribe are forgotten.
 */
import { containerKey, type ContainerRef } from '../../../protocol';
import type { SelectionStore } from '../state/selection-store';

export interface WatchTargets {
  readonly selection: SelectionStore;
  subscribe(ref: ContainerRef): void;
  /** Unsubscribes, and stops everything that ran for the container (tail check, re-subscribe). */
  unsubscribe(ref: ContainerRef): void;
  /** The containers shown changed (to remember them). */
  onShown(refs: readonly ContainerRef[]): void;
}

export interface WatchPolicy {
  /** Shows a container alone: the others shown are unsubscribed, this one subscribed. */
  select(ref: ContainerRef): void;
  /** Shows exactly these containers (a link, the view remembered). */
  show(refs: readonly ContainerRef[]): void;
  /** Adds a container to those shown, subscribing it. */
  add(ref: ContainerRef): void;
  /** Takes a container out of the view, unsubscribing it. */
  remove(ref: ContainerRef): void;
  /** Adds it, or — when it is shown among others — takes it out (a shift-click). */
  toggle(ref: ContainerRef): void;
}

export function createWatchPolicy(targets: WatchTargets): WatchPolicy {
  const { selection } = targets;
  const subscribed = new Set<string>();

  const subscribe = (ref: ContainerRef): void => {
    const key = containerKey(ref);
    if (subscribed.has(key)) return;
    subscribed.add(key);
    targets.subscribe(ref);
  };
  const leave = (ref: ContainerRef): void => {
    if (!subscribed.delete(containerKey(ref))) return;
    targets.unsubscribe(ref);
  };
  const shown = (): void => targets.onShown(selection.watched());

  const show = (refs: readonly ContainerRef[]): void => {
    const gone = selection.show(refs);
    for (const ref of gone) leave(ref);
    for (const ref of selection.watched()) subscribe(ref);
    shown();
  };
  const add = (ref: ContainerRef): void => {
    if (!selection.add(ref)) return;
    subscribe(ref);
    shown();
  };
  const remove = (ref: ContainerRef): void => {
    if (!selection.remove(ref)) return;
    leave(ref);
    shown();
  };

  return {
    select: (ref) => show([ref]),
    show,
    add,
    remove,
    toggle(ref) {
      const key = containerKey(ref);
      const isShown = selection.watched().some((other) => containerKey(other) === key);
      if (!isShown) add(ref);
      else if (selection.watched().length > 1) remove(ref);
    },
  };
}
