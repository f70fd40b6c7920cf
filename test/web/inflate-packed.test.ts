/** Packed lines inflated the browser's way (DecompressionStream, which Node has too): bounded, validated, never throwing. */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_PACKED_BYTES, packLines, type LogLine } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import { base64Bytes, inflatePackedLines, inflateRaw, joinedBytes } from '../../web/src/api/inflate-packed';

const lines = (...seqs: number[]): LogLine[] =>
  seqs.map((seq) => ({ seq, ts: `2026-11-25T12:00:${String(seq % 60).padStart(2, '0')}.123456789Z`, stream: seq % 2 ? 'stdout' : 'stderr', text: `GET /items/${seq} 200 — ünïcode` }));

/** base64 of `bytes` cut in `count` pieces, as a batch in parts carries them. */
const piecesOf = (bytes: Buffer, count: number): string[] => {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size).toString('base64'));
};

describe('inflating packed lines in the dashboard', () => {
  it('gives back the lines the agent packed, timestamps, streams and text exact', async () => {
    const sent = [...lines(41, 42, 43), { seq: 44, ts: '2026-11-25T12:00:44.000000001Z', stream: 'stdout' as const, text: 'x'.repeat(300), truncated: true as const, originalBytes: 300_000 }];
    const batch = compressLines(sent);

    const result = await inflatePackedLines([batch.data], batch);

    expect(result).toEqual({ ok: true, lines: sent });
  });

  it('joins a batch sent in parts: each part the next piece of the compressed bytes', async () => {
    const sent = lines(...Array.from({ length: 500 }, (_, i) => i + 1));
    const bytes = deflateRawSync(packLines(sent));

    const result = await inflatePackedLines(piecesOf(bytes, 3), { firstSeq: 1, lastSeq: 500 });

    expect(result).toEqual({ ok: true, lines: sent });
  });

  it('refuses a body that inflates past MAX_BATCH_BODY_BYTES instead of expanding it', async () => {
    // 64 MB of one character compresses to ~64 KB: a deflate bomb well inside the compressed limit.
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(MAX_PACKED_BYTES);

    const result = await inflateRaw(bomb);

    expect(result).toEqual({ ok: false, reason: `packed lines inflate past ${MAX_BATCH_BODY_BYTES} bytes` });
  });

  it('takes a body of exactly MAX_BATCH_BODY_BYTES', async () => {
    const result = await inflateRaw(deflateRawSync(Buffer.alloc(MAX_BATCH_BODY_BYTES, 0x61)));

    expect(result.ok && result.body.length).toBe(MAX_BATCH_BODY_BYTES);
  });

  it.each([
    ['bytes that are not deflate-raw', Buffer.from('not compressed at all, just text').toString('base64'), /not deflate-raw/],
    ['a compressed body cut short (a part missing)', deflateRawSync(packLines(lines(1, 2, 3))).subarray(0, 12).toString('base64'), /not deflate-raw/],
    ['a body that is not packed lines', deflateRawSync('{"v":2}').toString('base64'), /packed lines are invalid/],
  ])('refuses %s with a reason', async (_name, data, reason) => {
    const result = await inflatePackedLines([data], { firstSeq: 1, lastSeq: 3 });

    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses a body whose seqs are not the ones the batch announces', async () => {
    const batch = compressLines(lines(5, 6, 7));

    const result = await inflatePackedLines([batch.data], { firstSeq: 5, lastSeq: 9 });

    expect(result).toEqual({ ok: false, reason: 'packed lines hold seqs 5–7, but the batch says 5–9' });
  });

  it('refuses parts that together pass MAX_PACKED_BYTES before inflating anything', () => {
    const piece = Buffer.alloc(MAX_PACKED_BYTES / 4 + 1).toString('base64');

    expect(joinedBytes([piece, piece, piece, piece])).toEqual({ ok: false, reason: `packed lines are over ${MAX_PACKED_BYTES} compressed bytes` });
  });

  it('decodes base64 to the exact bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

    expect(Buffer.from(base64Bytes(bytes.toString('base64')))).toEqual(bytes);
  });
});
