/**
 * Splits a history into `log.history` messages that each stay under MAX_MESSAGE_BYTES, oldest
 * first, the last one `done: true`. Batches go as they are stored (packed, as the agent sent
 * them); one too large for a message goes as its parts, in consecutive messages. An empty history
 * is still one message, so the viewer always learns that the history is complete. A `reset`
 * history marks only its first message: the viewer drops what it holds once, before the first
 * part, not again before each later part.
 */
import { MAX_MESSAGE_BYTES, type ContainerRef, type LogHistory, type PackedBatch } from '../../protocol';
import type { StoredBatch } from './ports';
import { servedBatches } from './served-batches';
import { splitBySize } from './split-by-size';

export interface HistoryMessagesOptions {
  readonly maxBytes?: number;
  /** The container's numbering started over behind the subscriber's afterSeq. */
  readonly reset?: boolean;
  /** The epoch of the batches; none when nothing is buffered. */
  readonly epoch?: number;
}

export function historyMessages(container: ContainerRef, batches: readonly StoredBatch[], options: HistoryMessagesOptions = {}): LogHistory[] {
  const reset = options.reset === true;
  // Every part is sized as if it carried `reset`, so the first one stays under the limit too.
  const message = (chunk: PackedBatch[], done: boolean): LogHistory => ({
    action: 'log.history',
    agentId: container.agentId,
    containerId: container.containerId,
    batches: chunk,
    done,
    ...(reset ? { reset: true as const } : {}),
    ...(options.epoch !== undefined ? { epoch: options.epoch } : {}),
  });
  const messages = splitBySize(servedBatches(batches), options.maxBytes ?? MAX_MESSAGE_BYTES, message);
  return messages.map((m, i) => (i === 0 ? m : withoutReset(m)));
}

function withoutReset({ reset: _reset, ...rest }: LogHistory): LogHistory {
  return rest;
}
