/**
 * `inventory.get`: a viewer asks which hosts and containers exist. One query for the hosts, then
 * one per host for its containers (a few in flight at once), in the hosts' order.
 */
import type { HostInfo, InventoryGet } from '../../protocol';
import { forEachBounded } from './for-each-bounded';
import { hostInfo, inventoryMessages } from './inventory-messages';
import type { Caller, Deps } from './ports';
import { reply } from './reply';

/** Container queries in flight while answering. */
const READ_CONCURRENCY = 8;

export async function getInventory(deps: Deps, caller: Caller, _message: InventoryGet): Promise<void> {
  const agents = await deps.agents.list();
  const hosts: HostInfo[] = new Array(agents.length);
  await forEachBounded([...agents.keys()], READ_CONCURRENCY, async (i) => {
    hosts[i] = hostInfo(agents[i]!, await deps.hostContainers.entries(agents[i]!.agentId, { consistent: false }));
  });
  for (const message of inventoryMessages(hosts)) {
    // The viewer left meanwhile: reply() has forgotten it; the rest would go nowhere.
    if ((await reply(deps, caller, message)) === 'gone') return;
  }
}
