/**
 * `log.fetch`: the stored batches holding seqs afterSeq < seq ≤ toSeq of one epoch. How a viewer
 * closes a gap (a live broadcast that could not reach it leaves it a seq gap; the lines are in the
 * buffer), checks the tail of a quiet stream, and loads older lines ("load older": the 1000 seqs
 * before the oldest it holds, until nothing older comes back). It gets whatever the buffer still
 * holds of the range — whole batches, which may reach beyond it — as `log.fetched` messages (each
 * under the message limit, the last `done: true`). What none of them carries is gone for good —
 * unless the read stopped at its byte bound (MAX_READ_BYTES: 1,000 seqs of long lines can be
 * hundreds of MB): then the answer is the range's oldest part, and every message of it says the
 * seq it reaches (`readToSeq`), so the viewer asks for the rest instead of marking it missing.
 * The read is bounded by the range, however far below the newest line it lies (LogBuffer.range).
 */
import { MAX_MESSAGE_BYTES, type LogFetch, type LogFetched, type PackedBatch } from '../../protocol';
import type { Caller, Deps } from './ports';
import { MAX_READ_BYTES } from './read-bound';
import { reply } from './reply';
import { servedBatches } from './served-batches';
import { splitBySize } from './split-by-size';

export async function fetchLines(deps: Deps, caller: Caller, request: LogFetch, maxBytes = MAX_MESSAGE_BYTES, maxReadBytes = MAX_READ_BYTES): Promise<void> {
  const container = { agentId: request.agentId, containerId: request.containerId };
  const { afterSeq, toSeq, epoch } = request;
  const { batches, readToSeq } = await deps.buffer.range(container, epoch, afterSeq, toSeq, maxReadBytes);
  // On every message, so that the envelope splitBySize measures is the largest.
  const stopped = readToSeq === undefined ? {} : { readToSeq };
  const message = (chunk: PackedBatch[], done: boolean): LogFetched => ({ action: 'log.fetched', ...container, epoch, afterSeq, toSeq, ...stopped, batches: chunk, done });
  for (const part of splitBySize(servedBatches(batches), maxBytes, message)) {
    if ((await reply(deps, caller, part)) === 'gone') return;
  }
}
