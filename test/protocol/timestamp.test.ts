import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIMESTAMP_PATTERN, compareTimestamps, compareToTimestamp, isTimestamp, parseTimestamp, toDockerSince } from '../../protocol';

/** The order by parsing alone — what every fast path must agree with — as -1, 0 or 1. */
function parsedOrder(a: string, b: string): number {
  const pa = parseTimestamp(a);
  const pb = parseTimestamp(b);
  return Math.sign(pa.seconds - pb.seconds || pa.nanos - pb.nanos);
}

/**
 * Docker's own form next to every other spelling the parser accepts, and fields Date.UTC rolls
 * over (month 13, 29 February of a common year, hour 24, second 60, day 0, years 0–99 → 19xx),
 * whose text order differs from their time order.
 */
const SPELLINGS = [
  '2024-01-01T00:00:00.000000000Z',
  '2024-01-01T00:00:00.000000001Z',
  '2024-01-01T00:00:00.000000002Z',
  '2024-01-01T00:00:00.100000000Z',
  '2024-01-01T00:00:00.1Z',
  '2024-01-01T00:00:00.5Z',
  '2024-01-01T00:00:00.499999999Z',
  '2024-01-01T00:00:00Z',
  '2024-01-01T02:00:00.000000001+02:00',
  '2023-12-31T23:00:00.000000002-01:00',
  '2024-01-01T00:00:00.000000001+00:00',
  '2023-12-31T23:59:59.999999999Z',
  '2023-12-31T24:00:00.000000000Z',
  '2023-12-31T23:59:60.000000000Z',
  '2023-13-01T00:00:00.000000000Z',
  '2024-01-00T00:00:00.000000000Z',
  '2023-02-29T00:00:00.000000000Z',
  '2023-03-01T00:00:00.000000000Z',
  '2024-02-29T00:00:00.000000000Z',
  '2024-03-01T00:00:00.000000000Z',
  '2100-02-29T00:00:00.000000000Z',
  '2000-02-29T00:00:00.000000000Z',
  '0050-01-01T00:00:00.000000000Z',
  '1950-01-01T00:00:00.000000000Z',
  '0999-06-15T12:00:00.000000000Z',
  '9999-12-31T23:59:59.999999999Z',
];
const PAIRS = SPELLINGS.flatMap((a) => SPELLINGS.map((b): [string, string] => [a, b]));

describe('timestamps', () => {
  it('orders timestamps that differ only in the ninth fractional digit', () => {
    expect(compareTimestamps('2024-01-01T00:00:00.000000001Z', '2024-01-01T00:00:00.000000002Z')).toBeLessThan(0);
    expect(compareTimestamps('2024-01-01T00:00:00.000000002Z', '2024-01-01T00:00:00.000000001Z')).toBeGreaterThan(0);
    expect(compareTimestamps('2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00.500000000Z')).toBe(0);
  });

  it('compares across time zones', () => {
    expect(compareTimestamps('2024-01-01T02:00:00.1+02:00', '2024-01-01T00:00:00.1Z')).toBe(0);
  });

  it('turns a timestamp into Docker\'s `since` (seconds with nine digits)', () => {
    expect(toDockerSince('2024-01-01T00:00:00.000000042Z')).toBe('1704067200.000000042');
    expect(toDockerSince('2024-01-01T00:00:00Z')).toBe('1704067200.000000000');
  });

  it.each(['2024-01-01', '2024-01-01T00:00:00', '2024-01-01T00:00:00.1234567890Z', 'yesterday'])(
    'refuses %s',
    (value) => {
      expect(isTimestamp(value)).toBe(false);
      expect(() => parseTimestamp(value)).toThrow(RangeError);
    },
  );

  it.each([
    ['the same instant with another offset', '2024-01-01T02:00:00.000000001+02:00', '2024-01-01T00:00:00.000000001Z', 0],
    ['a shorter fraction', '2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00.499999999Z', 1],
    ['no fraction', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000000000Z', 0],
    ['month 13, which Date.UTC rolls into the next year', '2023-13-01T00:00:00.000000000Z', '2024-01-01T00:00:00.000000000Z', 0],
    ['29 February of a common year', '2023-02-29T00:00:00.000000000Z', '2023-03-01T00:00:00.000000000Z', 0],
    ['hour 24', '2023-12-31T24:00:00.000000000Z', '2024-01-01T00:00:00.000000000Z', 0],
    ['a two-digit year, which Date.UTC reads as 19xx', '0050-01-01T00:00:00.000000000Z', '1950-01-01T00:00:00.000000000Z', 0],
  ])('compares %s by the instant, not the text', (_case, a, b, order) => {
    expect(Math.sign(compareTimestamps(a, b))).toBe(order);
    expect(Math.sign(compareToTimestamp(b)(a))).toBe(order);
  });

  it('orders every pair of spellings exactly as parsing both does', () => {
    const disagreements = PAIRS.filter(([a, b]) => Math.sign(compareTimestamps(a, b)) !== parsedOrder(a, b));

    expect(disagreements).toEqual([]);
  });

  it('compares against a fixed reference exactly as compareTimestamps does', () => {
    const disagreements = PAIRS.filter(([a, b]) => Math.sign(compareToTimestamp(b)(a)) !== parsedOrder(a, b));

    expect(disagreements).toEqual([]);
  });

  it('orders any two Docker-form timestamps, fields in range or rolled over, exactly as parsing both does (seeded property)', () => {
    const seed = Number(process.env.SIDETAIL_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    // Every field from 00 to its rollover and past it (month 13, day 32, hour 24, second 60): the fast path must step aside exactly there.
    const stamp = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32), two(24), two(60), two(60), fc.integer({ min: 0, max: 999_999_999 }))
      .map(([y, mo, d, h, mi, s, n]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(n).padStart(9, '0')}Z`)
      .filter((value) => isTimestamp(value));
    console.info(`timestamp order property: seed ${seed}; replay with SIDETAIL_PROPERTY_SEED=${seed}`);

    fc.assert(
      fc.property(stamp, stamp, (a, b) => {
        expect(Math.sign(compareTimestamps(a, b))).toBe(parsedOrder(a, b));
        expect(Math.sign(compareToTimestamp(b)(a))).toBe(parsedOrder(a, b));
      }),
      { seed, numRuns: 2000 },
    );
  });

  it.each(['yesterday', '2024-01-01T00:00:00.000000000z', '2024-01-01 00:00:00.000000000Z'])(
    'refuses to compare %s, even with itself',
    (value) => {
      expect(() => compareTimestamps(value, value)).toThrow(RangeError);
      expect(() => compareTimestamps(value, '2024-01-01T00:00:00.000000000Z')).toThrow(RangeError);
      expect(() => compareToTimestamp(value)).toThrow(RangeError);
      expect(() => compareToTimestamp('2024-01-01T00:00:00.000000000Z')(value)).toThrow(RangeError);
    },
  );

  it.each([
    ...SPELLINGS,
    '2024-99-99T99:99:99.999999999Z',
    '2024-01-01T00:00:00.000000000z',
    '2024-01-01T00:00:00.0000000000',
    '2024-01-01T00:00:00,000000000Z',
    '2024-01-01T00:00:0a.000000000Z',
    '2024-01-01T00:00:00.000000000Z ',
  ])('recognises %s as a timestamp exactly when the RFC 3339 pattern does', (value) => {
    expect(isTimestamp(value)).toBe(TIMESTAMP_PATTERN.test(value));
  });
});
