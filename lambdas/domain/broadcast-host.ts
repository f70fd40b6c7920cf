/**
 * Tells every viewer about one host that registered, changed its containers or went offline —
 * that host only: resending every host on each change would grow with the fleet and could pass
 * the message limit.
 */
import { deliver } from './deliver';
import { hostMessage } from './inventory-messages';
import type { AgentRecord, Deps } from './ports';

/** The viewer connections that turned out to be gone. */
export async function broadcastHost(deps: Pick<Deps, 'connections' | 'messenger' | 'logger'>, agent: AgentRecord): Promise<string[]> {
  const viewerIds = await deps.connections.viewerIds();
  if (viewerIds.length === 0) return [];
  return (await deliver(deps, viewerIds, hostMessage(agent))).gone;
}
