/**
 * Which containers of a `host.containers` change changed state (started, stopped, …) as the
 * dashboard knew them, to mark in their lines. Pure; read before the change is merged into the
 * inventory. A change older than what is held for a container (host-merge.ts would not apply
 * it) is no transition.
 */
import type { ContainerRef, HostContainerChanges } from '../../../protocol';
import type { InventoryStore } from './inventory-store';

export interface ContainerTransition {
  readonly ref: ContainerRef;
  readonly state: string;
  readonly status: string;
  /** The change's observedAt (the agent's clock). */
  readonly at: number;
}

export function containerTransitions(inventory: Pick<InventoryStore, 'find'>, change: HostContainerChanges): ContainerTransition[] {
  const transitions: ContainerTransition[] = [];
  for (const container of change.upsert) {
    const ref = { agentId: change.agentId, containerId: container.id };
    const held = inventory.find(ref);
    if (!held || held.container.state === container.state) continue;
    const heldAt = held.host.reportedAt[container.id];
    if (heldAt !== undefined && heldAt > change.observedAt) continue;
    transitions.push({ ref, state: container.state, status: container.status, at: change.observedAt });
  }
  return transitions;
}
