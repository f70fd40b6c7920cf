/**
 * The rule of LogBuffer.newest, in one place for the DynamoDB adapter and the in-memory buffers:
 * from stored batches newest first, those of the newest epoch (the first older one ends it) until
 * their lines reach `lines` — and, when `maxBytes` is given, until the next would pass it (the
 * first batch is always taken).
 */
export function newestOfEpoch<B extends { readonly epoch: number; readonly lineCount: number }>(
  newestFirst: Iterable<B>,
  lines: number,
  maxBytes = Number.POSITIVE_INFINITY,
  bytesOf: (batch: B) => number = () => 0,
): B[] {
  const taken: B[] = [];
  let linesTaken = 0;
  let bytesTaken = 0;
  for (const batch of newestFirst) {
    if (taken.length > 0 && (batch.epoch !== taken[0]!.epoch || bytesTaken + bytesOf(batch) > maxBytes)) break;
    taken.push(batch);
    linesTaken += batch.lineCount;
    bytesTaken += bytesOf(batch);
    if (linesTaken >= lines) break;
  }
  return taken;
}
