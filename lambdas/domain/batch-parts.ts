/**
 * A batch too large for one message travels in parts: `part: { index, count }`, each the next piece
 * of the compressed bytes. Each part but the last is held (a staging item of its own) and acked
 * with its index; the agent sends the next only after that ack. The last part joins the held ones
 * into the batch. API Gateway runs one connection's messages concurrently, so a resent part can
 * race the next one: holding is idempotent (the same part again replaces itself), and the last
 * part reads the held ones consistently — each was acked only after it was held.
 */
import { ProtocolError, type AgentLogBatch, type BatchPart, type ContainerRef } from '../../protocol';
import { packedBytes } from '../../protocol/packed-zlib';
import type { HeldPart, LogBuffer, PartedBatch } from './ports';

export type PartOfBatch = AgentLogBatch & { readonly part: BatchPart };

export function isLastPart(part: BatchPart): boolean {
  return part.index === part.count - 1;
}

export function partedBatchOf(batch: PartOfBatch): PartedBatch {
  return { epoch: batch.epoch, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, count: batch.part.count };
}

export async function holdPart(buffer: LogBuffer, container: ContainerRef, batch: PartOfBatch): Promise<void> {
  await buffer.holdPart(container, { ...partedBatchOf(batch), index: batch.part.index, data: packedBytes(batch.data) });
}

/**
 * Every part of the batch, in order: the held ones and this, its last. A part not held (expired,
 * or its ack raced a resend that never landed) is refused `internal` — retry: sending the batch
 * again from its first part succeeds.
 */
export async function joinParts(buffer: LogBuffer, container: ContainerRef, last: PartOfBatch): Promise<HeldPart[]> {
  const batch = partedBatchOf(last);
  const held = new Map((await buffer.heldParts(container, batch)).map((part) => [part.index, part]));
  const parts: HeldPart[] = [];
  for (let index = 0; index < batch.count - 1; index++) {
    const part = held.get(index);
    if (!part) {
      throw new ProtocolError(
        'internal',
        `part ${index} of ${batch.count} of batch ${batch.firstSeq}–${batch.lastSeq} (epoch ${batch.epoch}) is not held (never received, or expired): send the batch again from its first part`,
      );
    }
    parts.push(part);
  }
  parts.push({ ...batch, index: batch.count - 1, data: packedBytes(last.data) });
  return parts;
}

/** The compressed bytes of the whole batch: its parts' pieces joined. */
export function joinedBytes(parts: readonly HeldPart[]): Uint8Array {
  return Buffer.concat(parts.map((part) => part.data));
}
