import { describe, expect, it } from 'vitest';
import { compareTimestamps, isTimestamp, parseTimestamp, toDockerSince } from '../../protocol';

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
});
