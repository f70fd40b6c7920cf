import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_FETCH_LINES, type ContainerRef } from '../../protocol';
import { createTailCheck, tailRequest, TAIL_CHECK_FIRST_MS, TAIL_CHECK_MAX_MS, type TailCheck } from '../../web/src/session/tail-check';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };

describe('the tail check: a viewer that missed the last batch before a stream went quiet finds out', () => {
  let checks: { at: number; ref: ContainerRef }[];
  let tail: TailCheck;
  const start = Date.parse('2026-11-25T12:00:00.000Z');
  /** Seconds after the start at which each check of `ref` ran. */
  const checkTimes = (ref: ContainerRef) => checks.filter((c) => c.ref.containerId === ref.containerId).map((c) => (c.at - start) / 1000);

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    checks = [];
    tail = createTailCheck({ check: (ref) => checks.push({ at: Date.now(), ref }) });
  });

  afterEach(() => {
    tail.close();
    vi.useRealTimers();
  });

  it(`checks first after ${TAIL_CHECK_FIRST_MS / 1000} s of quiet, then after twice as long each time, up to ${TAIL_CHECK_MAX_MS / 60_000} minutes apart`, () => {
    tail.received(web);

    vi.advanceTimersByTime(60 * 60_000);

    // 10, +20, +40, +80, +160, then every 300 s: 15 checks in a quiet hour.
    const times = checkTimes(web);
    expect(times.slice(0, 7)).toEqual([10, 30, 70, 150, 310, 610, 910]);
    expect(times).toHaveLength(15);
  });

  it('starts over from the first delay on every receipt', () => {
    tail.received(web);
    vi.advanceTimersByTime(31_000);
    expect(checkTimes(web)).toEqual([10, 30]);

    tail.received(web);
    vi.advanceTimersByTime(9_999);
    expect(checkTimes(web)).toEqual([10, 30]);
    vi.advanceTimersByTime(1);
    expect(checkTimes(web)).toEqual([10, 30, 41]);
  });

  it('checks nothing before the first receipt, and nothing more once a container is forgotten (unsubscribed)', () => {
    vi.advanceTimersByTime(60_000);
    expect(checks).toEqual([]);

    tail.received(web);
    tail.received(db);
    vi.advanceTimersByTime(10_000);
    tail.forget(web);
    vi.advanceTimersByTime(60 * 60_000);

    // 60 s of nothing, then a receipt: the first check 10 s after it, and none after the forget.
    expect(checkTimes(web)).toEqual([70]);
    expect(checkTimes(db).length).toBeGreaterThan(1);
  });

  it('starts checking when a subscribe goes out, and a later subscribe does not hold the schedule at its first delay', () => {
    tail.watch(web);
    vi.advanceTimersByTime(10_000);
    tail.watch(web);
    vi.advanceTimersByTime(60_000);

    expect(checkTimes(web)).toEqual([10, 30, 70]);
  });

  it('keeps one schedule per container: a receipt for one does not delay the other', () => {
    tail.received(web);
    vi.advanceTimersByTime(5_000);
    tail.received(db);
    vi.advanceTimersByTime(5_000);

    expect(checkTimes(web)).toEqual([10]);
    expect(checkTimes(db)).toEqual([]);
  });

  it('checks nothing after close', () => {
    tail.received(web);
    tail.close();
    vi.advanceTimersByTime(60 * 60_000);

    expect(checks).toEqual([]);
  });
});

describe('what a tail check asks', () => {
  it('asks the buffer for the lines after the last seq held, of the epoch held', () => {
    expect(tailRequest({ epoch: 7, lastSeq: 41, loadingHistory: false })).toEqual({ kind: 'fetch', epoch: 7, afterSeq: 41, toSeq: 41 + MAX_FETCH_LINES });
  });

  it('asks from the start of the epoch when it holds an epoch but no line yet', () => {
    expect(tailRequest({ epoch: 7, lastSeq: undefined, loadingHistory: false })).toEqual({ kind: 'fetch', epoch: 7, afterSeq: 0, toSeq: MAX_FETCH_LINES });
  });

  it('subscribes again when no epoch is held (nothing names the numbering to fetch by)', () => {
    expect(tailRequest({ epoch: undefined, lastSeq: undefined, loadingHistory: false })).toEqual({ kind: 'subscribe' });
  });

  it('subscribes again when the history of the last subscribe still has not come', () => {
    expect(tailRequest({ epoch: 7, lastSeq: 41, loadingHistory: true })).toEqual({ kind: 'subscribe' });
  });
});
