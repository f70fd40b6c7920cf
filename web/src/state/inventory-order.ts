/** How hosts and containers are listed: hosts by name, running containers first, then by name. Pure. */
import type { ContainerInfo, HostInfo } from '../../../protocol';

const STATE_RANK: Record<string, number> = { running: 0, restarting: 1, paused: 2, created: 3, exited: 4, dead: 5 };

export function sortContainers(containers: readonly ContainerInfo[]): ContainerInfo[] {
  return [...containers].sort(
    (a, b) =>
      (STATE_RANK[a.state] ?? 3) - (STATE_RANK[b.state] ?? 3) ||
      displayName(a).localeCompare(displayName(b)) ||
      a.id.localeCompare(b.id),
  );
}

export function sortHosts<H extends HostInfo>(hosts: readonly H[]): H[] {
  return [...hosts]
    .sort((a, b) => a.hostName.localeCompare(b.hostName) || a.agentId.localeCompare(b.agentId))
    .map((host) => ({ ...host, containers: sortContainers(host.containers) }));
}

/** Docker names start with "/"; show them without it, or the short id when unnamed. */
export function displayName(container: Pick<ContainerInfo, 'name' | 'id'>): string {
  const name = container.name.replace(/^\//, '');
  return name === '' ? container.id.slice(0, 12) : name;
}
