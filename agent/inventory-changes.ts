/**
 * What to tell the cloud after a Docker listing: the containers that changed since the list it
 * was last told, and the ones that are gone. Pure.
 *
 * Docker's `status` says "Up 3 minutes" and so differs from one listing to the next without
 * anything happening; resending every running container for that would make each change cost as
 * much as the whole list. So a container is resent when something other than its status changed,
 * or when an event named it (a health check, an exit code) and its status differs.
 */
import type { ContainerInfo } from '../protocol';

export interface InventoryChanges {
  readonly upsert: ContainerInfo[];
  readonly remove: string[];
}

export function inventoryChanges(
  reported: readonly ContainerInfo[],
  current: readonly ContainerInfo[],
  namedByEvents: ReadonlySet<string>,
): InventoryChanges {
  const before = new Map(reported.map((info) => [info.id, info]));
  const now = new Set(current.map((info) => info.id));
  return {
    upsert: current.filter((info) => {
      const previous = before.get(info.id);
      if (!previous) return true;
      return differsBesidesStatus(previous, info) || (namedByEvents.has(info.id) && previous.status !== info.status);
    }),
    remove: reported.filter((info) => !now.has(info.id)).map((info) => info.id),
  };
}

function differsBesidesStatus(a: ContainerInfo, b: ContainerInfo): boolean {
  return a.name !== b.name || a.image !== b.image || a.state !== b.state || a.createdAt !== b.createdAt || a.tty !== b.tty;
}
