/** `inventory.get`: a viewer asks which hosts and containers exist. */
import type { InventoryGet } from '../../protocol';
import { inventoryMessages } from './inventory-messages';
import type { Caller, Deps } from './ports';
import { reply } from './reply';

export async function getInventory(deps: Deps, caller: Caller, _message: InventoryGet): Promise<void> {
  for (const message of inventoryMessages(await deps.agents.list())) {
    // The viewer left meanwhile: reply() has forgotten it; the rest would go nowhere.
    if ((await reply(deps, caller, message)) === 'gone') return;
  }
}
