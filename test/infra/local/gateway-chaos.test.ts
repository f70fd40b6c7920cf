import { describe, expect, it } from 'vitest';
import { gatewayChaos, InvalidChaosOptionsError, isChaotic } from '../../../infra/local/gateway-chaos';

const draws = <T>(count: number, next: () => T): T[] => Array.from({ length: count }, next);

describe('gateway chaos: seeded random choices', () => {
  it('makes the same choices for the same seed, so a failing run can be replayed', () => {
    const options = { invocationDelayMs: { max: 50 }, disconnectDropRate: 0.3, postFaults: { throttledRate: 0.2, errorRate: 0.1 } };
    const a = gatewayChaos({ ...options, seed: 42 });
    const b = gatewayChaos({ ...options, seed: 42 });

    expect(draws(50, a.invocationDelay)).toEqual(draws(50, b.invocationDelay));
    expect(draws(50, a.dropsDisconnect)).toEqual(draws(50, b.dropsDisconnect));
    expect(draws(50, a.postFault)).toEqual(draws(50, b.postFault));
  });

  it('makes different choices for another seed', () => {
    const a = gatewayChaos({ invocationDelayMs: { max: 50 }, seed: 1 });
    const b = gatewayChaos({ invocationDelayMs: { max: 50 }, seed: 2 });

    expect(draws(20, a.invocationDelay)).not.toEqual(draws(20, b.invocationDelay));
  });

  it('draws each kind of choice from its own stream: dropping disconnects does not shift the delays', () => {
    const plain = gatewayChaos({ invocationDelayMs: { max: 50 }, seed: 7 });
    const withDrops = gatewayChaos({ invocationDelayMs: { max: 50 }, disconnectDropRate: 0.5, seed: 7 });

    const expected = draws(10, plain.invocationDelay);
    const seen = Array.from({ length: 10 }, () => (withDrops.dropsDisconnect(), withDrops.invocationDelay()));

    expect(seen).toEqual(expected);
  });

  it('delays each invocation by a whole number of milliseconds from 0 to max', () => {
    const delays = draws(2_000, gatewayChaos({ invocationDelayMs: { max: 20 }, seed: 3 }).invocationDelay);

    expect(Math.min(...delays)).toBe(0);
    expect(Math.max(...delays)).toBe(20);
    expect(delays.every(Number.isInteger)).toBe(true);
  });

  it('drops about the given fraction of disconnects and fails about the given fractions of posts', () => {
    const chaos = gatewayChaos({ disconnectDropRate: 0.25, postFaults: { throttledRate: 0.1, errorRate: 0.05 }, seed: 11 });

    const dropped = draws(10_000, chaos.dropsDisconnect).filter(Boolean).length;
    const faults = draws(10_000, chaos.postFault);

    expect(dropped / 10_000).toBeCloseTo(0.25, 1);
    expect(faults.filter((f) => f === 'throttled').length / 10_000).toBeCloseTo(0.1, 1);
    expect(faults.filter((f) => f === 'error').length / 10_000).toBeCloseTo(0.05, 1);
  });

  it('changes nothing without options, and says so', () => {
    const calm = gatewayChaos();

    expect(draws(100, calm.invocationDelay).every((d) => d === 0)).toBe(true);
    expect(draws(100, calm.dropsDisconnect).some(Boolean)).toBe(false);
    expect(draws(100, calm.postFault).some((f) => f !== undefined)).toBe(false);
    expect([isChaotic(undefined), isChaotic({ seed: 5 }), isChaotic({ disconnectDropRate: 0.1 })]).toEqual([false, false, true]);
  });

  it.each([
    [{ disconnectDropRate: 1.5 }, /disconnectDropRate/],
    [{ postFaults: { throttledRate: -0.1 } }, /throttledRate/],
    [{ postFaults: { throttledRate: 0.7, errorRate: 0.7 } }, /together/],
    [{ invocationDelayMs: { max: -1 } }, /invocationDelayMs/],
    [{ seed: 1.5 }, /seed/],
  ])('refuses %j with a clear error', (options, message) => {
    expect(() => gatewayChaos(options)).toThrow(InvalidChaosOptionsError);
    expect(() => gatewayChaos(options)).toThrow(message);
  });
});
