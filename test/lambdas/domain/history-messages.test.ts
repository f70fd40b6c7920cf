import { describe, expect, it } from 'vitest';
import { byteLength, encode, MAX_BATCH_BYTES, MAX_BATCH_PARTS, MAX_MESSAGE_BYTES, MAX_PACKED_BYTES, PackedBatch, type LogLine } from '../../../protocol';
import { compressLines, packedBytes } from '../../../protocol/packed-zlib';
import { historyMessages } from '../../../lambdas/domain/history-messages';
import type { StoredBatch } from '../../../lambdas/domain/ports';
import { linesOfPacked } from '../../support/packed-batches';
import { container, EPOCH, lines } from './in-memory-deps';

/** Stored batches of `size` lines each, as the buffer would hold them. */
function stored(all: readonly LogLine[], size: number): StoredBatch[] {
  const batches: StoredBatch[] = [];
  for (let i = 0; i < all.length; i += size) {
    const packed = compressLines(all.slice(i, i + size));
    batches.push({ epoch: EPOCH, firstSeq: packed.firstSeq, lastSeq: packed.lastSeq, lineCount: packed.lastSeq - packed.firstSeq + 1, data: packedBytes(packed.data) });
  }
  return batches;
}

/** Incompressible bytes standing in for a batch's compressed lines (only their splitting matters here). */
function opaque(bytes: number): StoredBatch {
  const data = new Uint8Array(bytes).map((_, i) => (i * 7919) % 251);
  return { epoch: EPOCH, firstSeq: 1, lastSeq: 1, lineCount: 1, data };
}

describe('historyMessages', () => {
  it('is one done message when the history is empty', () => {
    expect(historyMessages(container(), [])).toEqual([
      { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true },
    ]);
  });

  it.each([
    ['a tiny limit', 900],
    ['a 2 KB limit', 2048],
    ['a 10 KB limit', 10_240],
  ])('keeps every message under %s, whole batches as stored, and loses no line', (_name, maxBytes) => {
    const history = lines(1, 200, (seq) => `line ${seq} ${'é'.repeat(seq % 17)}`);

    const messages = historyMessages(container(), stored(history, 5), { maxBytes });

    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(maxBytes);
    expect(linesOfPacked(messages.flatMap((m) => m.batches))).toEqual(history);
    expect(messages.filter((m) => m.done)).toEqual([messages[messages.length - 1]]);
  });

  it('serves the stored bytes as they are, base64', () => {
    const [batch] = stored(lines(1, 3), 3);

    expect(historyMessages(container(), [batch!])[0]!.batches).toEqual([{ firstSeq: 1, lastSeq: 3, data: Buffer.from(batch!.data).toString('base64') }]);
  });

  it('marks only the first message of a reset history, and keeps every message under the limit', () => {
    const history = lines(1, 200, (seq) => `line ${seq}`);

    const messages = historyMessages(container(), stored(history, 5), { maxBytes: 2048, reset: true });

    expect(messages.length).toBeGreaterThan(1);
    expect(messages.map((m) => 'reset' in m)).toEqual([true, ...Array(messages.length - 1).fill(false)]);
    expect(messages[0]!.reset).toBe(true);
    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(2048);
    expect(linesOfPacked(messages.flatMap((m) => m.batches))).toEqual(history);
  });

  it('leaves reset out of a history that did not start over', () => {
    const messages = historyMessages(container(), stored(lines(1, 200), 5), { maxBytes: 2048 });

    expect(messages.some((m) => 'reset' in m)).toBe(false);
  });

  it('sends a stored batch too large for one message as its parts, in consecutive messages, each valid and under the limit', () => {
    const big = opaque(MAX_PACKED_BYTES);
    const small = stored(lines(2, 4), 3);

    const messages = historyMessages(container(), [big, ...small]);

    const batches = messages.flatMap((m) => m.batches);
    const parts = batches.filter((b) => b.part);
    expect(parts.map((b) => b.part)).toEqual(Array.from({ length: parts.length }, (_, index) => ({ index, count: parts.length })));
    expect(parts.length).toBeLessThanOrEqual(MAX_BATCH_PARTS);
    expect(Buffer.concat(parts.map((b) => packedBytes(b.data))).equals(Buffer.from(big.data))).toBe(true);
    for (const batch of batches) {
      expect(PackedBatch.safeParse(batch).success).toBe(true);
      expect(batch.data.length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(batches.at(-1)).toEqual({ firstSeq: 2, lastSeq: 4, data: Buffer.from(small[0]!.data).toString('base64') });
  });
});
