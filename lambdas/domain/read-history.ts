/**
 * The buffered batches a subscriber gets first: those holding the newest `maxLines` lines, oldest first, all of the newest epoch (older epochs' seqs are another numbering;
 * they only linger until they expire). One bounded read (LogBuffer.newest): every batch holds at
 * least one line, so `maxLines` batches always hold `maxLines` lines. Whole batches: the first
 * may reach back further than the newest `maxLines`.
 */
import type { ContainerRef } from '../../protocol';
import type { LogBuffer, StoredBatch } from './ports';

export interface HistoryRequest {
  readonly maxLines: number;
}

export interface History {
  /** The epoch of the batches; undefined when nothing is buffered. */
  readonly epoch: number | undefined;
  /** The newest buffered seq of that epoch (0 when nothing is buffered). */
  readonly newestSeq: number;
  /** Oldest first. */
  readonly batches: StoredBatch[];
}

export async function readHistory(buffer: LogBuffer, container: ContainerRef, request: HistoryRequest): Promise<History> {
  const newestFirst = await buffer.newest(container, { lines: request.maxLines, batches: request.maxLines });
  return { epoch: newestFirst[0]?.epoch, newestSeq: newestFirst[0]?.lastSeq ?? 0, batches: [...newestFirst].reverse() };
}
