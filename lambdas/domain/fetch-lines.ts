/**
 * `log.fetch`: the stored batches holding seqs afterSeq < seq ≤ toSeq of one epoch. How a viewer
 * closes a gap (a live broadcast that could not reach it leaves it a seq gap; the lines are in the
 * buffer), checks the tail of a quiet stream, and loads older lines ("load older": the 1000 seqs
 * before the oldest it holds, until nothing older comes back). It gets whatever the buffer still
 * holds of the range — whole batches, which may reach beyond it — as `log.fetched` messages (each
 * under the message limit, the last `done: true`). What none of them carries is gone for good.
 * The read is bounded by the range, however far below the newest line it lies (LogBuffer.range).
 */
import { MAX_MESSAGE_BYTES, type LogFetch, type LogFetched, type PackedBatch } from '../../protocol';
import type { Caller, Deps } from './ports';
import { reply } from './reply';
import { servedBatches } from './served-batches';
import { splitBySize } from './split-by-size';

export async function fetchLines(deps: Deps, caller: Caller, request: LogFetch, maxBytes = MAX_MESSAGE_BYTES): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const { afterSeq, toSeq, epoch } = request;
  const batches = await deps.buffer.range(container, epoch, afterSeq, toSeq);
  const message = (chunk: PackedBatch[], done: boolean): LogFetched => ({ action: 'log.fetched', ...container, epoch, afterSeq, toSeq, batches: chunk, done });
  for (const part of splitBySize(servedBatches(batches), maxBytes, message)) {
    if ((await reply(deps, caller, part)) === 'gone') return;
  }
}
