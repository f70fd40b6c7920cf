import { describe, expect, it } from 'vitest';
import { LineBuffer, type LineRow, type LogRow } from '../../web/src/state/line-buffer';
import { bucketLines, createLineBuckets, levelBand, timestampNanos } from '../../web/src/state/line-histogram';
import { lineRow } from './line-rows';

const at = (seq: number, ts: string, text = `line ${seq}`): LineRow => ({ ...lineRow(seq, text), ts });

describe('the lines over time', () => {
  it('reads timestamps as exact nanoseconds since the epoch, past 2^53', () => {
    expect(timestampNanos('2026-11-25T12:00:00.123456789Z')).toBe(1_795_608_000_123_456_789n);
    expect(timestampNanos('2026-11-25T13:00:00.123456789+01:00')).toBe(1_795_608_000_123_456_789n);
  });

  it('divides the span from the earliest to the latest line into equal buckets, the latest in the last', () => {
    const rows = [at(1, '2026-11-25T12:00:00Z'), at(2, '2026-11-25T12:00:05Z'), at(3, '2026-11-25T12:00:09.999999999Z')];
    const histogram = bucketLines(rows, 10)!;
    expect(histogram.widthNs).toBe(1_000_000_000n);
    expect(histogram.buckets.map((b) => b.total)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(histogram.max).toBe(1);
  });

  it('puts lines one nanosecond apart at a bucket edge on their own sides', () => {
    const rows = [at(1, '2026-11-25T12:00:00.000000000Z'), at(2, '2026-11-25T12:00:00.000000001Z'), at(3, '2026-11-25T12:00:00.000000002Z'), at(4, '2026-11-25T12:00:00.000000003Z')];
    const histogram = bucketLines(rows, 2)!;
    expect(histogram.widthNs).toBe(2n);
    expect(histogram.buckets.map((b) => [b.total, b.firstTs])).toEqual([
      [2, '2026-11-25T12:00:00.000000000Z'],
      [2, '2026-11-25T12:00:00.000000002Z'],
    ]);
  });

  it('counts each bucket by level, and names its earliest line even when lines came out of order', () => {
    const rows = [at(1, '2026-11-25T12:00:00.5Z', 'ERROR broke'), at(2, '2026-11-25T12:00:00.2Z', '[WARN] slow'), at(3, '2026-11-25T12:00:00.7Z', 'plain')];
    const [bucket] = bucketLines(rows, 1)!.buckets;
    expect(bucket).toMatchObject({ total: 3, firstTs: '2026-11-25T12:00:00.2Z', counts: { error: 1, warn: 1, info: 0, debug: 0, other: 1 } });
  });

  it('counts lines only, not markers, and has nothing to show without lines', () => {
    const rows: LogRow[] = [{ kind: 'restart', key: 'restart:1' }, at(1, '2026-11-25T12:00:00Z')];
    expect(bucketLines(rows, 4)!.buckets.map((b) => b.total)).toEqual([1, 0, 0, 0]);
    expect(bucketLines([{ kind: 'restart', key: 'r' }], 4)).toBeUndefined();
  });

  it.each([
    ['a second', '2026-11-25T12:00:01.000000000Z'],
    ['over 104 days (past 2^53 ns)', '2027-06-01T12:00:00.000000000Z'],
  ])('puts lines one nanosecond apart at a bucket edge on their own sides over a span of %s', (_, last) => {
    const lastNs = timestampNanos(last);
    const startNs = timestampNanos('2026-11-25T12:00:00Z');
    const width = (lastNs - startNs + 1n + 2n) / 3n;
    const edge = startNs + width;
    const iso = (ns: bigint) => `${new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
    const rows = [at(1, '2026-11-25T12:00:00Z'), at(2, iso(edge - 1n)), at(3, iso(edge)), at(4, last)];

    const histogram = bucketLines(rows, 3)!;

    expect(histogram.widthNs).toBe(width);
    expect(histogram.buckets.map((b) => [b.startNs, b.total])).toEqual([
      [startNs, 2],
      [edge, 1],
      [edge + width, 1],
    ]);
    expect(histogram.toNs).toBe(lastNs);
  });

  it('counts again as lines arrive and the oldest are dropped exactly as it would count afresh', () => {
    const second = (seq: number) => at(seq, `2026-11-25T12:00:${String(seq % 60).padStart(2, '0')}.000000001Z`, seq % 3 === 0 ? 'ERROR x' : 'INFO y');
    const count = createLineBuckets();
    let rows: LogRow[] = [1, 2, 3, 4, 5].map(second);
    count({ rows, rewrites: 0 }, 4);

    rows = [...rows.slice(2), { kind: 'restart', key: 'restart:1' }, ...[6, 7, 8].map(second)];
    const counted = count({ rows, rewrites: 0 }, 4);
    rows = [...rows.slice(1), second(9)];

    expect(counted).toEqual(bucketLines([3, 4, 5, 6, 7, 8].map(second), 4));
    expect(count({ rows, rewrites: 0 }, 4)).toEqual(bucketLines(rows, 4));
    expect(count({ rows: [second(20)], rewrites: 0 }, 4)).toEqual(bucketLines([second(20)], 4));
  });

  it('counts a line that filled a gap in place (the rows as many as before, both ends the same) as it would count afresh', () => {
    const buffer = new LineBuffer();
    const line = (seq: number) => ({ seq, ts: `2026-11-25T12:00:0${seq}Z`, stream: 'stdout' as const, text: `ERROR ${seq}` });
    buffer.addLive([1, 2, 4, 5].map(line), 1);
    const count = createLineBuckets();
    count(buffer, 4);

    buffer.fillGap(2, 3, [line(3)], true);

    expect(count(buffer, 4)).toEqual(bucketLines(buffer.rows, 4));
    expect(count(buffer, 4)!.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(5);
  });

  it('puts every line of one instant in the first bucket', () => {
    const rows = [at(1, '2026-11-25T12:00:00Z'), at(2, '2026-11-25T12:00:00Z')];
    expect(bucketLines(rows, 3)!.buckets.map((b) => b.total)).toEqual([2, 0, 0]);
  });

  it('refuses a bucket count that is not a positive integer', () => {
    expect(() => bucketLines([], 0)).toThrow(RangeError);
  });

  it.each([
    ['fatal', 'error'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['info', 'info'],
    ['debug', 'debug'],
    ['trace', 'debug'],
    [undefined, 'other'],
  ] as const)('colours %s lines as %s', (level, band) => {
    expect(levelBand(level)).toBe(band);
  });
});
