/**
 * The rule of LogBuffer.range's bound, in one place for the DynamoDB adapter and the in-memory
 * buffers: from a range's batches oldest first, those until the next would pass `maxBytes` (the
 * first is always taken) — and, when the bound left some out, the last seq the taken ones cover.
 */
export function oldestWithinBytes<B extends { readonly lastSeq: number }>(
  oldestFirst: Iterable<B>,
  maxBytes: number,
  bytesOf: (batch: B) => number,
): { batches: B[]; readToSeq?: number } {
  const batches: B[] = [];
  let bytes = 0;
  for (const batch of oldestFirst) {
    if (batches.length > 0 && bytes + bytesOf(batch) > maxBytes) return { batches, readToSeq: batches[batches.length - 1]!.lastSeq };
    batches.push(batch);
    bytes += bytesOf(batch);
  }
  return { batches };
}
