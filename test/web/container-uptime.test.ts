import { describe, expect, it } from 'vitest';
import { upForMs, uptimeText } from '../../web/src/format/container-uptime';

describe('container uptime', () => {
  it.each([
    ['Up Less than a second', 0],
    ['Up 6 seconds', 6_000],
    ['Up About a minute', 60_000],
    ['Up 3 minutes', 180_000],
    ['Up About an hour', 3_600_000],
    ['Up 5 hours (healthy)', 5 * 3_600_000],
    ['Up 2 days (Paused)', 2 * 86_400_000],
    ['Up 3 weeks', 21 * 86_400_000],
  ])('reads Docker’s %j as %i ms', (status, ms) => {
    expect(upForMs(status)).toBe(ms);
  });

  it.each(['Exited (0) 3 minutes ago', 'Created', 'Restarting (1) 2 seconds ago', ''])('has no uptime for %j', (status) => {
    expect(upForMs(status)).toBeUndefined();
    expect(uptimeText(status, 0, 0)).toBeUndefined();
  });

  it('adds the time since the status was reported', () => {
    expect(uptimeText('Up 3 minutes', 1_000_000, 1_000_000 + 125_000)).toBe('up 5 min');
    expect(uptimeText('Up 5 hours', 0, 30 * 60_000)).toBe('up 5 h 30 min');
    expect(uptimeText('Up 40 seconds', undefined, 123)).toBe('up 40 s');
    expect(uptimeText('Up 3 days', 0, 0)).toBe('up 3 days');
  });
});
