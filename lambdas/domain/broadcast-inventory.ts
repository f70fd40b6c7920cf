/** Tells every viewer the current hosts, after a host registered, changed or went away. */
import { deliver } from './deliver';
import { inventoryMessage } from './inventory-message';
import type { Deps } from './ports';

/** The viewer connections that turned out to be gone. */
export async function broadcastInventory(deps: Pick<Deps, 'agents' | 'connections' | 'messenger' | 'logger'>): Promise<string[]> {
  const [agents, viewerIds] = await Promise.all([deps.agents.list(), deps.connections.viewerIds()]);
  if (viewerIds.length === 0) return [];
  return deliver(deps, viewerIds, inventoryMessage(agents));
}
