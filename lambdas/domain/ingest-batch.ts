/**
 * `log.batch` from an agent: store the lines in the container's buffer, trim the buffer to the
 * newest N lines, broadcast the lines to the container's subscribers, ack the batch so the agent
 * sends the container's next one (one in flight per container keeps lines in order), and only
 * then clean up subscribers found gone — unrelated to this batch, so never in its way.
 *
 * A stored batch is rewritten only by an identical one: a redelivery is acked, but a different
 * batch at the same seqs of the same epoch is refused (`conflict`) and the stored lines stay.
 */
import {
  byteLength,
  encode,
  MAX_BATCH_BYTES,
  MAX_BATCH_LINES,
  ProtocolError,
  type AgentLogBatch,
  type LogLine,
} from '../../protocol';
import { deliver } from './deliver';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps, GoneConnection } from './ports';
import { registrationOf } from './registration-of';
import { stopIfUnwatched } from './stop-if-unwatched';

/** How far ahead of this function's clock a batch's epoch may be (clocks of Lambda hosts differ). */
export const MAX_EPOCH_SKEW_MS = 5 * 60_000;

export async function ingestBatch(deps: Deps, caller: Caller, batch: AgentLogBatch): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before log.batch');
  // Above these the re-wrapped broadcast (or a history message) could pass API Gateway's limit.
  if (batch.lines.length > MAX_BATCH_LINES) {
    throw new ProtocolError('too_large', `batch has ${batch.lines.length} lines; the limit is ${MAX_BATCH_LINES}`);
  }
  // The raw body's size (decode has bounded it already); re-encoding only where it is unknown.
  const bytes = caller.messageBytes ?? byteLength(encode(batch));
  if (bytes > MAX_BATCH_BYTES) throw new ProtocolError('too_large', `batch is ${bytes} bytes; the limit is ${MAX_BATCH_BYTES}`);

  // One writer per container buffer: the connection holding the host's registration.
  const registration = await registrationOf(deps, { ...caller, agentId: caller.agentId });
  if (registration.kind === 'unregistered') throw new ProtocolError('not_registered', 'send agent.register and wait for agent.registered before log.batch');
  if (registration.kind === 'superseded') {
    throw new ProtocolError('forbidden', 'a newer connection of this agent holds its registration: batches are taken from that one only');
  }

  const container = { agentId: caller.agentId, containerId: batch.containerId };
  const { epoch } = batch;
  const lines: LogLine[] = [...batch.lines].sort((a, b) => a.seq - b.seq);
  const firstSeq = (lines[0] as LogLine).seq;
  const lastSeq = (lines[lines.length - 1] as LogLine).seq;
  // The agent numbers every line: a gap or repeat inside one batch is no batch it could send, and
  // one stray seq (9e15) would make the trim below forget the whole buffer.
  if (lastSeq - firstSeq !== lines.length - 1 || lines.some((line, i) => line.seq !== firstSeq + i)) {
    throw new ProtocolError('malformed', `a batch's seqs must be consecutive; got ${lines.length} lines with seqs ${firstSeq}–${lastSeq}`);
  }
  // Epochs are the cloud's clock at a stream's start: one from the future would outrank every
  // epoch the cloud mints after it, and hide the container's next streams as "older".
  if (epoch > deps.clock.now() + MAX_EPOCH_SKEW_MS) {
    throw new ProtocolError('malformed', `epoch ${epoch} is in the future: use the epoch of the stream's log.stream.start`);
  }
  const stored = await deps.buffer.put(container, lines, epoch);
  if (stored.kind === 'conflict') {
    // Two different batches claim the same lines: the agent's numbering and the buffer disagree.
    deps.logger.error('batch conflicts with a stored batch', {
      ...container,
      epoch,
      firstSeq,
      lastSeq,
      storedFirstSeq: stored.firstSeq,
      storedLastSeq: stored.lastSeq,
    });
    throw new ProtocolError(
      'conflict',
      `lines ${firstSeq}–${lastSeq} (epoch ${epoch}) clash with the stored batch ${stored.firstSeq}–${stored.lastSeq}, which is kept: a stored batch is only ever rewritten by an identical one`,
    );
  }
  const keepAfter = lastSeq - deps.settings.bufferLines;
  // A stream's first batch also clears what older epochs left (else TTL would, a day later).
  if (keepAfter > 0 || firstSeq === 1) await deps.buffer.deleteThrough(container, epoch, Math.max(0, keepAfter));

  const subscriberIds = await deps.subscriptions.subscriberIds(container);
  const { gone } = await deliver(deps, subscriberIds, { action: 'log.batch', ...container, epoch, lines });
  // Only after storing: an ack promises the lines survive the agent forgetting them.
  const ack = await deliver(deps, [caller.connectionId], { action: 'log.ack', containerId: batch.containerId, seq: lastSeq });
  if (ack.failed.length > 0) throw new Error(`could not ack lines ${firstSeq}–${lastSeq}: their redelivery will be acked`);
  const forget: GoneConnection[] = [...gone.map((connectionId) => ({ connectionId, container })), ...ack.gone.map((connectionId) => ({ connectionId, agentId: caller.agentId }))];
  try {
    // A stream nobody watches (its stop was lost, or never sent) is stopped by its next batch.
    if (subscriberIds.length === 0) forget.push(...(await stopIfUnwatched(deps, container)));
    await forgetConnections(deps, forget);
  } catch (error) {
    // Acked already; what is left behind is found by the next post (410), the next batch, or expires.
    deps.logger.error('clean-up after the batch failed', { ...container, connectionIds: forget.map((g) => g.connectionId), error: String(error) });
  }
}
