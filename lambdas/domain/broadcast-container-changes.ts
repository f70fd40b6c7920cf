/**
 * Tells every viewer which of one host's containers changed (`host.containers`): the changes that
 * were stored, not the host's whole list, so a broadcast grows with the change, not the host.
 */
import { deliver } from './deliver';
import { containersMessage } from './inventory-messages';
import type { ContainerChanges, Deps, GoneConnection } from './ports';

/** The viewer connections that answered 410 — each only maybe gone, as for broadcastHost. */
export async function broadcastContainerChanges(
  deps: Pick<Deps, 'connections' | 'messenger' | 'logger'>,
  agentId: string,
  changes: ContainerChanges,
): Promise<GoneConnection[]> {
  const viewerIds = await deps.connections.viewerIds();
  if (viewerIds.length === 0) return [];
  const { gone } = await deliver(deps, viewerIds, containersMessage(agentId, changes));
  return gone.map((connectionId) => ({ connectionId, mayBeOpening: true }));
}
