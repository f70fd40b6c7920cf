/**
 * What a registration's full container list changes in what the cloud holds for the host: new or
 * different containers to upsert, held ones missing from the list to remove. Pure.
 *
 * After a reconnect most of a host's containers are as stored, so a registration writes only the
 * few that differ (each write is still conditional on its observation time, see HostContainers).
 */
import type { ContainerInfo } from '../../protocol';
import type { ContainerChanges, ContainerEntry } from './ports';

export function diffContainers(stored: readonly ContainerEntry[], containers: readonly ContainerInfo[], observedAt: number): ContainerChanges {
  const held = new Map(stored.filter((entry) => entry.info).map((entry) => [entry.containerId, entry.info!]));
  const listed = new Set(containers.map((info) => info.id));
  return {
    observedAt,
    upsert: containers.filter((info) => {
      const current = held.get(info.id);
      return !current || !sameContainer(current, info);
    }),
    remove: [...held.keys()].filter((id) => !listed.has(id)),
  };
}

export function hasChanges(changes: ContainerChanges): boolean {
  return changes.upsert.length > 0 || changes.remove.length > 0;
}

function sameContainer(a: ContainerInfo, b: ContainerInfo): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.image === b.image &&
    a.state === b.state &&
    a.status === b.status &&
    a.createdAt === b.createdAt &&
    a.tty === b.tty
  );
}
