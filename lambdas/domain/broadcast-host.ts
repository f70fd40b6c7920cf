/**
 * Tells every viewer about one host that registered or went offline — that host only, and its
 * status only: resending every host (or its containers, see broadcast-container-changes) on each
 * change would grow with the fleet and could pass the message limit.
 */
import { deliver } from './deliver';
import { hostMessage } from './inventory-messages';
import type { AgentRecord, Deps, GoneConnection } from './ports';

/**
 * The viewer connections that answered 410 — each only maybe gone: a viewer is enrolled in
 * `$connect`, and API Gateway answers 410 until its handshake completes (forget-connections).
 */
export async function broadcastHost(deps: Pick<Deps, 'connections' | 'messenger' | 'logger'>, agent: AgentRecord): Promise<GoneConnection[]> {
  const viewerIds = await deps.connections.viewerIds();
  if (viewerIds.length === 0) return [];
  const { gone } = await deliver(deps, viewerIds, hostMessage(agent));
  return gone.map((connectionId) => ({ connectionId, mayBeOpening: true }));
}
