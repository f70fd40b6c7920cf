/**
 * Reads the packed batches of the log messages a viewer receives (log.history, log.batch,
 * log.fetched) into what the logs store takes: the lines, in seq order, and the seqs of batches
 * that could not be read (`lost`) — inflated past the bound, invalid, or parts that never all
 * came — which the store shows as gaps and fetches. Nothing here throws: a bad batch is logged
 * and becomes a gap; the session goes on.
 *
 * Parts are assembled per stream (api/batch-parts.ts): a container's live batches, its history,
 * each fetch answer. A history's or fetch answer's last message (`done`) ends its stream.
 */
import type { ContainerRef, LogFetched, LogHistory, LogLine, PackedBatch, ViewerLogBatch } from '../../../protocol';
import { BatchParts, type DroppedBatch } from '../api/batch-parts';
import { inflatePackedLines } from '../api/inflate-packed';
import type { BatchLines, FetchedLines, HistoryLines } from '../state/logs-store';
import type { GapRange } from '../state/line-buffer';

export interface LogBatchReader {
  history(message: LogHistory): Promise<HistoryLines>;
  batch(message: ViewerLogBatch): Promise<BatchLines>;
  fetched(message: LogFetched): Promise<FetchedLines>;
  /** Live and history batches whose parts stopped coming: their seqs, to show and fetch as gaps. */
  expire(): BatchLines[];
}

export interface LogBatchReaderOptions {
  readonly parts?: BatchParts;
  readonly logger?: Pick<Console, 'warn'>;
}

type StreamKind = 'live' | 'history' | 'fetched';

interface Read {
  lines: LogLine[];
  lost: GapRange[];
}

export function createLogBatchReader(options: LogBatchReaderOptions = {}): LogBatchReader {
  const parts = options.parts ?? new BatchParts();

  // Ids are SafeIds (no spaces), so a stream's name can be read back into its container.
  const streamOf = (kind: StreamKind, ref: ContainerRef, range = ''): string => `${kind} ${ref.agentId} ${ref.containerId}${range ? ` ${range}` : ''}`;
  const refOf = (stream: string): { kind: StreamKind; ref: ContainerRef } => {
    const [kind, agentId, containerId] = stream.split(' ');
    return { kind: kind as StreamKind, ref: { agentId: agentId!, containerId: containerId! } };
  };

  const lose = (read: Read, dropped: readonly DroppedBatch[]): void => {
    for (const batch of dropped) {
      options.logger?.warn(`sidetail: lines ${batch.firstSeq}–${batch.lastSeq} of ${refOf(batch.stream).ref.containerId} are fetched again: ${batch.reason}`);
      read.lost.push({ fromSeq: batch.firstSeq, toSeq: batch.lastSeq });
    }
  };

  /** One batch (or part) of `stream`, its lines or its loss added to `read`. */
  const readBatch = async (read: Read, stream: string, epoch: number, batch: PackedBatch): Promise<void> => {
    const outcome = parts.add(stream, { epoch, ...batch });
    lose(read, outcome.dropped);
    if (!outcome.complete) return;
    const result = await inflatePackedLines(outcome.complete, batch);
    if (result.ok) {
      for (const line of result.lines) read.lines.push(line);
      return;
    }
    lose(read, [{ stream, epoch, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, reason: result.reason }]);
  };

  const readAll = async (stream: string, epoch: number, batches: readonly PackedBatch[], done: boolean): Promise<Read> => {
    const read: Read = { lines: [], lost: [] };
    for (const batch of batches) await readBatch(read, stream, epoch, batch);
    if (done) lose(read, parts.end(stream));
    return read;
  };

  return {
    async history(message) {
      const { action: _action, batches, ...rest } = message;
      // Without an epoch nothing is buffered, so there are no batches to read.
      const read = await readAll(streamOf('history', message), message.epoch ?? 0, batches, message.done);
      return { ...rest, ...read };
    },
    async batch(message) {
      const read: Read = { lines: [], lost: [] };
      const { agentId, containerId, epoch, firstSeq, lastSeq, data, part } = message;
      await readBatch(read, streamOf('live', message), epoch, { firstSeq, lastSeq, data, ...(part ? { part } : {}) });
      return { agentId, containerId, epoch, ...read };
    },
    async fetched(message) {
      const { action: _action, batches, ...rest } = message;
      const read = await readAll(streamOf('fetched', message, `${message.afterSeq}-${message.toSeq}`), message.epoch, batches, message.done);
      return { ...rest, ...read };
    },
    expire() {
      const lost: BatchLines[] = [];
      for (const batch of parts.expire()) {
        const { kind, ref } = refOf(batch.stream);
        options.logger?.warn(`sidetail: lines ${batch.firstSeq}–${batch.lastSeq} of ${ref.containerId} are fetched again: ${batch.reason}`);
        // A fetch answer's lines that never came stay missing once its gap is given up; the rest are gaps.
        if (kind !== 'fetched') lost.push({ ...ref, epoch: batch.epoch, lines: [], lost: [{ fromSeq: batch.firstSeq, toSeq: batch.lastSeq }] });
      }
      return lost;
    },
  };
}
