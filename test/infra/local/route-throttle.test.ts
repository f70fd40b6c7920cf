import { describe, expect, it } from 'vitest';
import { RouteThrottle } from '../../../infra/local/route-throttle';
import { ROUTE_THROTTLING } from '../../../infra/route-throttling';

const settings = {
  default: { rateLimit: 10, burstLimit: 3 },
  routes: { 'log.batch': { rateLimit: 100, burstLimit: 5 } },
};

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('route throttle (token buckets like API Gateway)', () => {
  it('admits a burst of burstLimit requests at once, then throttles', () => {
    const time = clock();
    const throttle = new RouteThrottle(settings, time.now);

    const admitted = Array.from({ length: 5 }, () => throttle.admit('log.subscribe'));

    expect(admitted).toEqual([true, true, true, false, false]);
  });

  it('refills at rateLimit tokens per second, never above the burst', () => {
    const time = clock();
    const throttle = new RouteThrottle(settings, time.now);
    for (let i = 0; i < 3; i++) throttle.admit('ping');

    time.advance(100); // 10 per second: one token
    expect([throttle.admit('ping'), throttle.admit('ping')]).toEqual([true, false]);

    time.advance(60_000);
    expect(Array.from({ length: 4 }, () => throttle.admit('ping'))).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per route: a flood on one route leaves the others untouched', () => {
    const time = clock();
    const throttle = new RouteThrottle(settings, time.now);
    for (let i = 0; i < 50; i++) throttle.admit('log.subscribe');

    expect(throttle.admit('log.subscribe')).toBe(false);
    expect(throttle.admit('inventory.get')).toBe(true);
    expect(Array.from({ length: 6 }, () => throttle.admit('log.batch'))).toEqual([true, true, true, true, true, false]);
  });

  it('throttles nothing when turned off', () => {
    const throttle = new RouteThrottle(false, clock().now);

    expect(Array.from({ length: 10_000 }, () => throttle.admit('ping')).every(Boolean)).toBe(true);
  });

  it('allows agents\' log.batch more than viewers\' actions in the stack\'s settings', () => {
    const batch = ROUTE_THROTTLING.routes['log.batch']!;

    expect(batch.rateLimit).toBeGreaterThan(ROUTE_THROTTLING.default.rateLimit);
    expect(batch.burstLimit).toBeGreaterThan(ROUTE_THROTTLING.default.burstLimit);
  });
});
