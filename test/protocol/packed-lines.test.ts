import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_LINE_BYTES, packLines, unpackLines, type LogLine } from '../../protocol';
import { compressLines, decompressLines, packedBytes } from '../../protocol/packed-zlib';

const at = (seconds: number, nanos: number) => `2026-12-01T10:00:${String(seconds).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;
const line = (seq: number, extra: Partial<LogLine> = {}): LogLine => ({ seq, ts: at(seq % 60, seq * 7919), stream: 'stdout', text: `line ${seq}`, ...extra });

const dockerTs = fc
  .record({ s: fc.integer({ min: 0, max: 4_000_000_000 }), n: fc.integer({ min: 0, max: 999_999_999 }) })
  .map(({ s, n }) => `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(n).padStart(9, '0')}Z`);
const anyTs = fc.oneof(dockerTs, fc.constantFrom('2026-12-01T10:00:00Z', '2026-12-01T10:00:00.5+02:00', '2026-12-01T10:00:00.123Z'));
const lineFields = fc.record({
  ts: anyTs,
  stream: fc.constantFrom('stdout' as const, 'stderr' as const),
  text: fc.string({ unit: 'binary', maxLength: 200 }),
  cut: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
});

describe('packed lines', () => {
  it('give back exactly the lines packed: timestamps to the nanosecond, streams, cut lines and skip markers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.array(lineFields, { minLength: 1, maxLength: 60 }), (firstSeq, fields) => {
        const lines: LogLine[] = fields.map((f, i) => ({
          seq: firstSeq + i,
          ts: f.ts,
          stream: f.stream,
          text: f.text,
          ...(f.cut === undefined ? {} : { truncated: true, originalBytes: f.cut }),
        }));

        expect(unpackLines(packLines(lines))).toEqual({ ok: true, lines });
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('give back exactly timestamps close together (most of a batch: one minute), across minutes, and beside a leap second and a short fraction', () => {
    const near = fc
      .record({ s: fc.integer({ min: 0, max: 180 }), n: fc.integer({ min: 0, max: 999_999_999 }) })
      .map(({ s, n }) => `${new Date(Date.UTC(2026, 11, 1, 23, 59) + s * 1000).toISOString().slice(0, 19)}.${String(n).padStart(9, '0')}Z`);
    const odd = fc.constantFrom('2026-12-01T23:59:60.000000001Z', '2026-12-01T23:59:59.5Z');
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: near, weight: 9 }, { arbitrary: odd, weight: 1 }), { minLength: 1, maxLength: 80 }), (stamps) => {
        const lines: LogLine[] = stamps.map((ts, i) => ({ seq: i + 1, ts, stream: 'stdout', text: 'x' }));

        expect(unpackLines(packLines(lines))).toEqual({ ok: true, lines });
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('keep a skip marker whole', () => {
    const marker = line(2, { text: '[sidetail] 10 lines skipped', skipped: { reason: 'catch_up', lines: 10, atLeast: true, from: at(0, 1), to: at(1, 2) } });
    const lines = [line(1), marker, line(3)];

    expect(unpackLines(packLines(lines))).toEqual({ ok: true, lines });
  });

  it('store the timestamps after the first as nanosecond steps, going back in time included', () => {
    const body = JSON.parse(packLines([line(1, { ts: at(5, 10) }), line(2, { ts: at(6, 5) }), line(3, { ts: at(4, 999_999_999) })]));

    expect(body.ts).toEqual([at(5, 10), 999_999_995, -1_000_000_006]);
  });

  it('mark one stream for the batch when every line has it', () => {
    expect(JSON.parse(packLines([line(1), line(2)])).streams).toBe('o');
    expect(JSON.parse(packLines([line(1), line(2, { stream: 'stderr' })])).streams).toBe('oe');
  });

  it('refuse lines that are not numbered consecutively', () => {
    expect(() => packLines([line(1), line(3)])).toThrow(/consecutive/);
  });

  it.each([
    ['text that is not JSON', '{"v":1,'],
    ['another format version', JSON.stringify({ v: 2, firstSeq: 1, ts: [at(0, 0)], streams: 'o', text: ['a'] })],
    ['fewer timestamps than texts', JSON.stringify({ v: 1, firstSeq: 1, ts: [at(0, 0)], streams: 'o', text: ['a', 'b'] })],
    ['a first timestamp given as a step', JSON.stringify({ v: 1, firstSeq: 1, ts: [5], streams: 'o', text: ['a'] })],
    ['a step after a timestamp not in Docker form', JSON.stringify({ v: 1, firstSeq: 1, ts: ['2026-12-01T10:00:00Z', 5], streams: 'o', text: ['a', 'b'] })],
    ['a stream letter other than o and e', JSON.stringify({ v: 1, firstSeq: 1, ts: [at(0, 0)], streams: 'x', text: ['a'] })],
    ['streams for some lines only', JSON.stringify({ v: 1, firstSeq: 1, ts: [at(0, 0), 1, 1], streams: 'oe', text: ['a', 'b', 'c'] })],
    ['a cut mark past the last line', JSON.stringify({ v: 1, firstSeq: 1, ts: [at(0, 0)], streams: 'o', text: ['a'], cut: [[3, 10]] })],
    ['seqs past the largest safe integer', JSON.stringify({ v: 1, firstSeq: Number.MAX_SAFE_INTEGER, ts: [at(0, 0), 1], streams: 'o', text: ['a', 'b'] })],
    ['a line above the line cap', JSON.stringify({ v: 1, firstSeq: 1, ts: [at(0, 0)], streams: 'o', text: ['x'.repeat(MAX_LINE_BYTES + 1)] })],
  ])('refuse a body with %s, saying why', (_what, body) => {
    const result = unpackLines(body);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^packed line/);
  });
});

describe('packed lines on Node', () => {
  it('compress once and give the same lines back', () => {
    const lines = Array.from({ length: 500 }, (_, i) => line(i + 1));

    const packed = compressLines(lines);

    expect(packed).toMatchObject({ firstSeq: 1, lastSeq: 500 });
    expect(decompressLines(packedBytes(packed.data))).toEqual({ ok: true, lines });
  });

  it('stop inflating at the bound instead of expanding a bomb', () => {
    const bomb = deflateRawSync(Buffer.alloc(MAX_BATCH_BODY_BYTES * 4, 0x20));

    expect(decompressLines(bomb)).toEqual({ ok: false, reason: `packed lines inflate past ${MAX_BATCH_BODY_BYTES} bytes` });
  });

  it('refuse bytes after the end of the deflate stream, as a browser does', () => {
    const bytes = Buffer.concat([packedBytes(compressLines([line(1)]).data), Buffer.from('trailing')]);

    expect(decompressLines(bytes)).toEqual({ ok: false, reason: 'packed lines have 8 bytes after the deflate stream' });
  });

  it('pack a cut line whose original size is unknown', () => {
    const lines = [line(1, { truncated: true })];

    expect(unpackLines(packLines(lines))).toEqual({ ok: true, lines });
  });

  it('refuse bytes that are not deflate-raw', () => {
    const result = decompressLines(Buffer.from('plain text'));

    expect(!result.ok && result.reason).toMatch(/not deflate-raw/);
  });
});
