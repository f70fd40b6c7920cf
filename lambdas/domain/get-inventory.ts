/** `inventory.get`: a viewer asks which hosts and containers exist. */
import type { InventoryGet } from '../../protocol';
import { inventoryMessage } from './inventory-message';
import type { Caller, Deps } from './ports';
import { reply } from './reply';

export async function getInventory(deps: Deps, caller: Caller, _message: InventoryGet): Promise<void> {
  await reply(deps, caller, inventoryMessage(await deps.agents.list()));
}
