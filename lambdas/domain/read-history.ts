/**
 * The buffered lines a subscriber gets first: the newest `maxLines` after `afterSeq`, oldest
 * first, all of the newest epoch (older epochs' seqs are another numbering; they only linger
 * until trimmed or expired). Also how a gap is filled: `toSeq` bounds the range from above.
 */
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer } from './ports';

export interface HistoryRequest {
  readonly maxLines: number;
  /** Only lines with a greater seq are wanted. */
  readonly afterSeq?: number;
  /** Only lines with a seq at or below this are wanted. */
  readonly toSeq?: number;
  /** Only this epoch's lines; default the newest stored epoch. */
  readonly epoch?: number;
}

export interface History {
  /** The epoch of the lines; undefined when nothing is buffered. */
  readonly epoch: number | undefined;
  readonly lines: LogLine[];
}

export async function readHistory(buffer: LogBuffer, container: ContainerRef, request: HistoryRequest): Promise<History> {
  const afterSeq = request.afterSeq ?? 0;
  const toSeq = request.toSeq ?? Number.POSITIVE_INFINITY;
  let epoch = request.epoch;
  const newestFirst: LogLine[][] = [];
  let count = 0;
  for await (const batch of buffer.newestFirst(container)) {
    epoch ??= batch.epoch;
    // Epochs come newest first: a greater one is skipped, a smaller one ends the wanted range.
    if (batch.epoch > epoch) continue;
    if (batch.epoch < epoch) break;
    const wanted = batch.lines.filter((line) => line.seq > afterSeq && line.seq <= toSeq);
    newestFirst.push(wanted);
    count += wanted.length;
    // Batches never overlap within an epoch (a different batch at stored seqs is refused), so a
    // batch starting at or before afterSeq means every older one is unwanted.
    const first = batch.lines[0];
    if (count >= request.maxLines || (first && first.seq <= afterSeq)) break;
  }
  const bySeq = new Map<number, LogLine>();
  for (const line of newestFirst.reverse().flat()) bySeq.set(line.seq, line);
  return { epoch, lines: [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-request.maxLines) };
}
