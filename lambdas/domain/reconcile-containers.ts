/**
 * A registration carries the agent's whole container list: after a reconnect the cloud may have
 * missed changes (a lost `agent.inventory`, a Docker outage). Write only what differs from what
 * is stored — one consistent query of the host's containers, then a conditional write per
 * difference — and remove what the list no longer has.
 */
import type { ContainerInfo } from '../../protocol';
import { diffContainers } from './diff-containers';
import type { ContainerChanges, Deps } from './ports';

/** The changes that were stored (an observation newer than the list's keeps its own). */
export async function reconcileContainers(
  deps: Pick<Deps, 'hostContainers'>,
  agentId: string,
  containers: readonly ContainerInfo[],
  observedAt: number,
): Promise<ContainerChanges> {
  const changes = diffContainers(await deps.hostContainers.entries(agentId), containers, observedAt);
  if (changes.upsert.length === 0 && changes.remove.length === 0) return changes;
  return deps.hostContainers.apply(agentId, changes);
}
