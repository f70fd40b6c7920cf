/**
 * Splits items into the messages of a multi-part answer (history, inventory): greedily, in order,
 * each message under `maxBytes` once wrapped in its envelope, the last one `done: true`, and at
 * least one message even with no items — so the receiver always learns the answer is complete.
 */
import { byteLength, encode } from '../../protocol';

export function splitBySize<T, M extends { action: string }>(
  items: Iterable<T>,
  maxBytes: number,
  message: (chunk: T[], done: boolean) => M,
): M[] {
  // `"done":false` is the longer spelling, so this envelope size is an upper bound.
  const envelopeBytes = byteLength(encode(message([], false)));
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let chunkBytes = envelopeBytes;
  for (const item of items) {
    // +1 for the comma between items. An item too big for any message still travels alone:
    // callers bound their items (ingest refuses oversized batches, inventories are capped).
    const itemBytes = byteLength(JSON.stringify(item)) + 1;
    if (chunk.length > 0 && chunkBytes + itemBytes >= maxBytes) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = envelopeBytes;
    }
    chunk.push(item);
    chunkBytes += itemBytes;
  }
  chunks.push(chunk);
  return chunks.map((items, i) => message(items, i === chunks.length - 1));
}
