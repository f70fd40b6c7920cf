/**
 * `log.batch` from an agent: check the packed lines (they inflate within the bound, are valid
 * lines, and number the seqs the message claims), store the compressed bytes as they came,
 * broadcast the agent's message as it came (plus the agent id) to the container's subscribers,
 * ack the batch so the agent sends the container's next one (one in flight per container keeps
 * lines in order), and only then clean up subscribers found gone — unrelated to this batch, so
 * never in its way. Nothing is trimmed: old batches expire (TTL), which costs no write.
 *
 * A batch in parts: each part but the last is held and acked with its index; the last joins them,
 * and the whole batch is checked and stored as above, every part broadcast (batch-parts.ts).
 *
 * A stored batch is rewritten only by an identical one: a redelivery is acked, but a different
 * batch at the same seqs of the same epoch is refused (`conflict`) and the stored lines stay.
 */
import { byteLength, encode, MAX_BATCH_BYTES, ProtocolError, type AgentLogBatch, type ViewerLogBatch } from '../../protocol';
import { packedBytes } from '../../protocol/packed-zlib';
import { holdPart, isLastPart, joinedBytes, joinParts, type PartOfBatch } from './batch-parts';
import { checkPackedBatch } from './check-packed-batch';
import { deliver } from './deliver';
import { EncodedMessage } from './encoded-message';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps, GoneConnection, HeldPart } from './ports';
import { registrationOf } from './registration-of';
import { stopIfUnwatched } from './stop-if-unwatched';

/** How far ahead of this function's clock a batch's epoch may be (clocks of Lambda hosts differ). */
export const MAX_EPOCH_SKEW_MS = 5 * 60_000;

export async function ingestBatch(deps: Deps, caller: Caller, batch: AgentLogBatch): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before log.batch');
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
  const { epoch, firstSeq, lastSeq } = batch;
  // Epochs are the cloud's clock at a stream's start: one from the future would outrank every
  // epoch the cloud mints after it, and hide the container's next streams as "older".
  if (epoch > deps.clock.now() + MAX_EPOCH_SKEW_MS) {
    throw new ProtocolError('malformed', `epoch ${epoch} is in the future: use the epoch of the stream's log.stream.start`);
  }

  if (batch.part && !isLastPart(batch.part)) {
    await holdPart(deps.buffer, container, batch as PartOfBatch);
    const ack = await deliver(deps, [caller.connectionId], { action: 'log.ack', containerId: batch.containerId, seq: lastSeq, part: batch.part.index });
    if (ack.failed.length > 0) throw new Error(`could not ack part ${batch.part.index} of lines ${firstSeq}–${lastSeq}: its redelivery will be acked`);
    return;
  }

  // A last part: the whole batch is the held parts and this one, joined.
  const parts = batch.part ? await joinParts(deps.buffer, container, batch as PartOfBatch) : undefined;
  const data = parts ? joinedBytes(parts) : packedBytes(batch.data);
  const { digest } = checkPackedBatch(batch, data);
  const lineCount = lastSeq - firstSeq + 1;
  const stored = await deps.buffer.put(container, { epoch, firstSeq, lastSeq, lineCount, data, digest });
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

  const subscriberIds = await deps.subscriptions.subscriberIds(container);
  const broadcasts = parts ? parts.map((part) => viewerPartOf(batch, part, caller.agentId as string)) : [viewerBatchOf(batch, caller.agentId)];
  const gone = new Set<string>();
  for (const broadcast of broadcasts) {
    // In order, each to every subscriber: a viewer gets the parts one after the other.
    const report = await deliver(deps, subscriberIds.filter((id) => !gone.has(id)), EncodedMessage.of(broadcast));
    for (const id of report.gone) gone.add(id);
  }
  // Only after storing: an ack promises the lines survive the agent forgetting them.
  const ack = await deliver(deps, [caller.connectionId], { action: 'log.ack', containerId: batch.containerId, seq: lastSeq });
  if (ack.failed.length > 0) throw new Error(`could not ack lines ${firstSeq}–${lastSeq}: their redelivery will be acked`);
  const forget: GoneConnection[] = [...[...gone].map((connectionId) => ({ connectionId, container })), ...ack.gone.map((connectionId) => ({ connectionId, agentId: caller.agentId }))];
  try {
    // A stream nobody watches (its stop was lost, or never sent) is stopped by its next batch.
    if (subscriberIds.length === 0) forget.push(...(await stopIfUnwatched(deps, container)));
    await forgetConnections(deps, forget);
  } catch (error) {
    // Acked already; what is left behind is found by the next post (410), the next batch, or expires.
    deps.logger.error('clean-up after the batch failed', { ...container, connectionIds: forget.map((g) => g.connectionId), error: String(error) });
  }
}

/** One part of a batch sent in parts as the agent sent it (the last is this message's own data), with the agent id. */
function viewerPartOf(last: AgentLogBatch, part: HeldPart, agentId: string): ViewerLogBatch {
  const { action: _action, data, part: _part, ...batch } = last;
  const isLast = part.index === part.count - 1;
  return { action: 'log.batch', agentId, ...batch, data: isLast ? data : Buffer.from(part.data).toString('base64'), part: { index: part.index, count: part.count } };
}

/** The agent's message as it came, with the agent id (from the connection) added. */
function viewerBatchOf({ action: _action, ...batch }: AgentLogBatch, agentId: string): ViewerLogBatch {
  return { action: 'log.batch', agentId, ...batch };
}
