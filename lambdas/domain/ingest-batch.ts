/**
 * `log.batch` from an agent: store the lines in the container's buffer, trim the buffer to the
 * newest N lines, broadcast the lines to the container's subscribers, then ack the batch so the
 * agent sends the container's next one (one in flight per container keeps lines in order).
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
import { reply } from './reply';
import type { Caller, Deps } from './ports';

export async function ingestBatch(deps: Deps, caller: Caller, batch: AgentLogBatch): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before log.batch');
  // Above these the re-wrapped broadcast (or a history message) could pass API Gateway's limit.
  if (batch.lines.length > MAX_BATCH_LINES) {
    throw new ProtocolError('too_large', `batch has ${batch.lines.length} lines; the limit is ${MAX_BATCH_LINES}`);
  }
  // The raw body's size (decode has bounded it already); re-encoding only where it is unknown.
  const bytes = caller.messageBytes ?? byteLength(encode(batch));
  if (bytes > MAX_BATCH_BYTES) throw new ProtocolError('too_large', `batch is ${bytes} bytes; the limit is ${MAX_BATCH_BYTES}`);

  const container = { agentId: caller.agentId, containerId: batch.containerId };
  const lines: LogLine[] = [...batch.lines].sort((a, b) => a.seq - b.seq);
  await deps.buffer.put(container, lines);
  const lastSeq = (lines[lines.length - 1] as LogLine).seq;
  const keepAfter = lastSeq - deps.settings.bufferLines;
  if (keepAfter > 0) await deps.buffer.deleteThrough(container, keepAfter);

  const subscriberIds = await deps.subscriptions.subscriberIds(container);
  const gone = await deliver(deps, subscriberIds, { action: 'log.batch', ...container, lines });
  await forgetConnections(deps, gone.map((connectionId) => ({ connectionId, container })));
  // Only after storing: an ack promises the lines survive the agent forgetting them.
  await reply(deps, caller, { action: 'log.ack', containerId: batch.containerId, seq: lastSeq });
}
