import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from '../../../agent/transport/reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('doubles the delay up to the cap', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 500, maxDelayMs: 30_000, random: () => 0.999999 });

    const delays = Array.from({ length: 9 }, () => backoff.next());

    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('jitters each delay between half and all of its ceiling', () => {
    const low = new ReconnectBackoff({ initialDelayMs: 1000, random: () => 0 });
    const high = new ReconnectBackoff({ initialDelayMs: 1000, random: () => 0.999999 });

    expect([low.next(), low.next()]).toEqual([500, 1000]);
    expect([high.next(), high.next()]).toEqual([1000, 2000]);
  });

  it('starts over after reset()', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 100, random: () => 0.999999 });
    backoff.next();
    backoff.next();

    backoff.reset();

    expect(backoff.next()).toBe(100);
  });
});
