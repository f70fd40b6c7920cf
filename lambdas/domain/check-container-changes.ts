/**
 * An `agent.inventory`'s changes must be relayable in one `host.containers` (its upserts within
 * MAX_INVENTORY_BYTES) and say one thing per container: an id both upserted and removed, or
 * listed twice, would leave the stored item to whichever write happened to land last.
 */
import { ProtocolError, type AgentInventory } from '../../protocol';
import { checkInventorySize } from './check-inventory-size';

/** Throws (nothing is stored): `too_large` above the size limit, `malformed` for a repeated id. */
export function checkContainerChanges(message: Pick<AgentInventory, 'upsert' | 'remove'>): void {
  checkInventorySize(message.upsert);
  const seen = new Set<string>();
  for (const id of [...message.upsert.map((info) => info.id), ...message.remove]) {
    if (seen.has(id)) throw new ProtocolError('malformed', `container ${JSON.stringify(id)} appears more than once in upsert and remove`);
    seen.add(id);
  }
}
