/** An agent's container list must fit a `host` message; the agent leaves out the oldest stopped containers to stay under. */
import { byteLength, MAX_INVENTORY_BYTES, ProtocolError, type ContainerInfo } from '../../protocol';

/** Throws `too_large` (nothing is stored) when the list serializes above MAX_INVENTORY_BYTES. */
export function checkInventorySize(containers: readonly ContainerInfo[]): void {
  const bytes = byteLength(JSON.stringify(containers));
  if (bytes > MAX_INVENTORY_BYTES) {
    throw new ProtocolError('too_large', `the container list is ${bytes} bytes; the limit is ${MAX_INVENTORY_BYTES}: leave out old stopped containers`);
  }
}
