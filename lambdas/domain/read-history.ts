/** The buffered lines a subscriber gets first: the newest `maxLines` after `afterSeq`, oldest first. */
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer } from './ports';

export interface HistoryRequest {
  readonly maxLines: number;
  /** Only lines with a greater seq are wanted. */
  readonly afterSeq?: number;
}

export async function readHistory(buffer: LogBuffer, container: ContainerRef, request: HistoryRequest): Promise<LogLine[]> {
  const afterSeq = request.afterSeq ?? 0;
  const newestFirst: LogLine[][] = [];
  let count = 0;
  for await (const batch of buffer.newestFirst(container)) {
    const wanted = batch.filter((line) => line.seq > afterSeq);
    newestFirst.push(wanted);
    count += wanted.length;
    // Batches never overlap (the agent continues numbering after the buffer's newest seq), so a
    // batch starting at or before afterSeq means every older one is unwanted.
    if (count >= request.maxLines || (batch[0] && batch[0].seq <= afterSeq)) break;
  }
  const bySeq = new Map<number, LogLine>();
  for (const line of newestFirst.reverse().flat()) bySeq.set(line.seq, line);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-request.maxLines);
}
