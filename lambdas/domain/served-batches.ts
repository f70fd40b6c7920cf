/**
 * Stored batches as the buffer serves them (log.history, log.fetched): each whole, as the agent
 * packed it, or — when its data would not fit one message — as parts, each the next piece of the
 * compressed bytes (the pieces joined are the body), in consecutive order.
 */
import { MAX_BATCH_BYTES, MAX_BATCH_PARTS, type PackedBatch } from '../../protocol';
import type { StoredBatch } from './ports';

/** Bytes of one piece at most: base64 of 3 bytes is 4 characters, and `data` may have MAX_BATCH_BYTES. */
const MAX_PIECE_BYTES = Math.floor(MAX_BATCH_BYTES / 4) * 3;

export function servedBatches(stored: readonly StoredBatch[]): PackedBatch[] {
  return stored.flatMap(servedBatch);
}

function servedBatch({ firstSeq, lastSeq, data }: StoredBatch): PackedBatch[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length <= MAX_PIECE_BYTES) return [{ firstSeq, lastSeq, data: bytes.toString('base64') }];
  // Pieces of equal size, in multiples of 3 bytes so that each one's base64 stands on its own.
  const count = Math.ceil(bytes.length / MAX_PIECE_BYTES);
  if (count > MAX_BATCH_PARTS) throw new RangeError(`a stored batch of ${bytes.length} bytes needs ${count} parts; at most ${MAX_BATCH_PARTS}`);
  const pieceBytes = Math.ceil(bytes.length / count / 3) * 3;
  return Array.from({ length: count }, (_, index) => ({
    firstSeq,
    lastSeq,
    data: bytes.subarray(index * pieceBytes, (index + 1) * pieceBytes).toString('base64'),
    part: { index, count },
  }));
}
