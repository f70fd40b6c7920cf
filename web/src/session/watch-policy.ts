/**
 * Which containers are subscribed: the policy between what the reader shows (the selection
 * store) and the connection's subscriptions. Showing a container subscribes it; one no longer
 * shown is unsubscribed, and its tail check and re-subscribe are forgotten.
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
  /** Shows a container alone: the one shown before is unsubscribed, this one subscribed. */
  select(ref: ContainerRef): void;
}

export function createWatchPolicy(targets: WatchTargets): WatchPolicy {
  return {
    select(ref) {
      const previous = targets.selection.select(ref);
      if (previous && containerKey(previous) === containerKey(ref)) return;
      if (previous) targets.unsubscribe(previous);
      targets.subscribe(ref);
      targets.onShown([ref]);
    },
  };
}
