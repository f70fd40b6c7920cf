/**
 * The `log.batch` messages of one batch: its lines packed (protocol/packed-lines.ts), deflated once
 * and base64-encoded. A batch whose message would pass MAX_BATCH_BYTES goes in parts: its
 * compressed BYTES cut into pieces, each piece base64-encoded into one part (the pieces joined are
 * the compressed body). The batcher only lets that happen to a batch of one line; delivery sends
 * whatever it is given.
 *
 * Packed once and kept: a resend sends the same text, so the cloud sees an identical batch.
 */
import { deflateRawSync } from 'node:zlib';
import { MAX_BATCH_BYTES, MAX_BATCH_PARTS, encode, packLines, type AgentLogBatch } from '../../protocol';
import type { LineBatch } from '../pipeline/line-batch';
import { stringBytes } from './memory-budget';

/**
 * Every batch's messages, stored item or object and invocation are paid per batch, so fewer
 * bytes per line is fewer batches per GB: on realistic logs (bench/realistic-logs.ts) level 6
 * packs 15 % smaller than level 3 (ratio 0.182 against 0.214), and one viewer's bench cost fell from
 * $0.045 to $0.038 per GB (10 viewers: $0.136 to $0.116). It costs CPU: ~45 MB/s of text per
 * core against ~90 at level 3 — a tenth of a core for a container at 6 MB/s, about what one batch
 * in flight carries on AWS. Measured alternately through the whole local stack (4 runs each),
 * level 6 kept e2e_vs_docker_logs (0.51–0.63 against 0.46–0.55 at level 3) and
 * container_lines_per_s_at_50ms (8.6k–12.8k against 7.9k–13.2k: fuller batches per round trip).
 * Level 5 is 2 % larger than 6 for 80 % of its time.
 */
export const AGENT_DEFLATE_LEVEL = 6;

export interface WireMessage {
  readonly message: AgentLogBatch;
  /** `encode(message)`: what is sent, every time. */
  readonly json: string;
}

export interface WireBatch {
  /** One message, or the parts in order. */
  readonly messages: readonly WireMessage[];
  /** The packed body's UTF-8 size (what a reader inflates). */
  readonly bodyBytes: number;
  /** The deflated body's size. */
  readonly compressedBytes: number;
  /** What holding the messages costs: their JSON strings. */
  readonly heldBytes: number;
}

/** Packs `batch` into its messages; `maxMessageBytes` is the bound on each (MAX_BATCH_BYTES). */
export function packBatch(batch: LineBatch, maxMessageBytes = MAX_BATCH_BYTES): WireBatch {
  const body = packLines(batch.lines);
  const bodyBytes = Buffer.byteLength(body);
  const compressed = deflateRawSync(body, { level: AGENT_DEFLATE_LEVEL });
  const head = { action: 'log.batch' as const, containerId: batch.containerId, epoch: batch.epoch, firstSeq: batch.lines[0]!.seq, lastSeq: batch.lines[batch.lines.length - 1]!.seq };
  const whole: AgentLogBatch = { ...head, data: compressed.toString('base64') };
  const wholeJson = encode(whole);
  if (Buffer.byteLength(wholeJson) <= maxMessageBytes) {
    return { messages: [{ message: whole, json: wholeJson }], bodyBytes, compressedBytes: compressed.length, heldBytes: stringBytes(wholeJson) };
  }
  // The envelope of the largest part (every field at its longest); base64 makes 4 characters of 3 bytes.
  const envelope = Buffer.byteLength(encode({ ...head, data: '', part: { index: MAX_BATCH_PARTS - 1, count: MAX_BATCH_PARTS } }));
  const pieceBytes = Math.floor((maxMessageBytes - envelope) / 4) * 3;
  const count = Math.ceil(compressed.length / pieceBytes);
  const messages: WireMessage[] = [];
  let heldBytes = 0;
  for (let index = 0; index < count; index++) {
    const data = compressed.subarray(index * pieceBytes, (index + 1) * pieceBytes).toString('base64');
    const message: AgentLogBatch = { ...head, data, part: { index, count } };
    const json = encode(message);
    heldBytes += stringBytes(json);
    messages.push({ message, json });
  }
  return { messages, bodyBytes, compressedBytes: compressed.length, heldBytes };
}

/** Whether the batch fits one message. */
export function isWhole(wire: WireBatch): boolean {
  return wire.messages.length === 1;
}
