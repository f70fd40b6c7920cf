import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../web/src/api/backoff';

describe('reconnectDelay', () => {
  const options = (random: number) => ({ baseMs: 500, maxMs: 30_000, random: () => random });

  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [6, 1, 30_000],
    [20, 0, 15_000],
  ])('waits for attempt %i with random %s: %i ms', (attempt, random, expected) => {
    expect(reconnectDelay(attempt, options(random))).toBe(expected);
  });

  it('never waits less than half the ceiling, so clients never retry instantly', () => {
    expect(reconnectDelay(0, options(0))).toBeGreaterThan(0);
  });
});
