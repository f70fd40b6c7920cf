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
 * The agent packs every line it delivers, so its level is set by CPU: on the agent pipeline bench's
 * log (250,000 lines), level 3 took the whole pipeline ~0.85 s against ~1.7 s at level 6
 * (protocol/packed-zlib.ts's), for 12 % more bytes; level 1 saved no time and cost 3 % more bytes.
 */
export const AGENT_DEFLATE_LEVEL = 3;

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
