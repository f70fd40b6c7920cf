import { describe, expect, it } from 'vitest';
import { createLogTimeFormat } from '../../web/src/format/log-time';

describe('createLogTimeFormat', () => {
  const now = () => new Date('2024-05-06T12:00:00Z');

  it.each([
    ['UTC', '2024-05-06T07:08:09.123456789Z', '07:08:09.123'],
    ['Asia/Kolkata', '2024-05-06T07:08:09.123456789Z', '12:38:09.123'],
    ['UTC', '2024-05-06T07:08:09Z', '07:08:09.000'],
    ['UTC', '2024-05-06T09:08:09.999999999+02:00', '07:08:09.999'],
  ])('shows a line from today in %s as time with milliseconds (%s)', (timeZone, ts, expected) => {
    expect(createLogTimeFormat({ timeZone, now }).format(ts)).toBe(expected);
  });

  it('prefixes month and day for a line from another day', () => {
    expect(createLogTimeFormat({ timeZone: 'UTC', now }).format('2024-05-04T23:59:59.5Z')).toBe('05-04 23:59:59.500');
  });

  it('decides "today" in the viewer\'s time zone, not UTC', () => {
    // At 06:00 UTC on May 6 it is 18:00 on May 6 in Auckland (+12:00), and 20:00 UTC on May 5 was 08:00 that morning.
    const morning = () => new Date('2024-05-06T06:00:00Z');

    expect(createLogTimeFormat({ timeZone: 'Pacific/Auckland', now: morning }).format('2024-05-05T20:00:00Z')).toBe('08:00:00.000');
    expect(createLogTimeFormat({ timeZone: 'UTC', now: morning }).format('2024-05-05T20:00:00Z')).toBe('05-05 20:00:00.000');
  });
});
