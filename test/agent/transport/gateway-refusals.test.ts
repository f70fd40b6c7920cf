import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayRefusals } from '../../../agent/transport/gateway-refusals';
import { RecordingLogger } from '../support/recording-logger';

const THROTTLED = { message: 'Too Many Requests', transient: true } as const;
const FAILED = { message: 'Internal server error', transient: true } as const;
const FORBIDDEN = { message: 'Forbidden', transient: false } as const;

describe('GatewayRefusals', () => {
  let logger: RecordingLogger;
  let events: string[];
  let refusals: GatewayRefusals;

  beforeEach(() => {
    vi.useFakeTimers();
    logger = new RecordingLogger();
    events = [];
    // random() = 0.999…: every delay is (almost) its ceiling, so the schedule is exact.
    refusals = new GatewayRefusals({
      logger,
      onRefused: () => events.push('refused'),
      onResend: () => events.push('resend'),
      backoff: { random: () => 0.9999 },
      quietMs: 10_000,
      now: () => Date.now(),
    });
  });

  afterEach(() => {
    refusals.stop();
    vi.useRealTimers();
  });

  /** Advances until the next resend, returning how long it took. */
  function untilResend(): number {
    const start = Date.now();
    const resends = events.filter((e) => e === 'resend').length;
    while (events.filter((e) => e === 'resend').length === resends) vi.advanceTimersByTime(1);
    return Date.now() - start;
  }

  it('notes what is in flight on every frame, and resends once per round however many frames came', () => {
    refusals.refused(THROTTLED);
    refusals.refused(THROTTLED);
    refusals.refused(FAILED);

    expect(untilResend()).toBe(200);
    expect(events).toEqual(['refused', 'refused', 'refused', 'resend']);
  });

  it('waits a jittered backoff that doubles while refusals keep coming, up to 5 s', () => {
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      refusals.refused(THROTTLED);
      delays.push(untilResend());
    }

    expect(delays).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('waits half as long again for every acknowledgement since the last round: it settles at the pace that gets through', () => {
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      refusals.refused(THROTTLED);
      delays.push(untilResend());
    }
    refusals.delivered();
    refusals.refused(THROTTLED);
    delays.push(untilResend());
    for (let i = 0; i < 10; i++) refusals.delivered();
    refusals.refused(THROTTLED);
    delays.push(untilResend());

    expect(delays).toEqual([200, 400, 800, 1600, 1600, 200]);
  });

  it('keeps each delay between half and all of its ceiling', () => {
    refusals.stop();
    refusals = new GatewayRefusals({ logger, onRefused: () => {}, onResend: () => events.push('resend'), backoff: { random: () => 0 } });
    refusals.refused(THROTTLED);

    expect(untilResend()).toBe(100);
  });

  it('starts over with the shortest delay once refusals have stopped for the quiet period', () => {
    for (let i = 0; i < 4; i++) {
      refusals.refused(THROTTLED);
      untilResend();
    }
    vi.advanceTimersByTime(10_000);

    refusals.refused(THROTTLED);
    expect(untilResend()).toBe(200);
  });

  it('logs a burst once when it starts and once, summarised, when it is over — not per frame', () => {
    refusals.refused(THROTTLED);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(1000);
      refusals.refused(i === 4 ? FAILED : THROTTLED);
    }
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn' });
    expect(logger.lines[0]!.msg).toMatch(/^API Gateway refused a message \("Too Many Requests"\) without saying which; sending what is unacknowledged \(registration, batches, inventory changes\) again, with backoff\./);

    vi.advanceTimersByTime(10_000);

    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]).toEqual({
      level: 'info',
      msg: 'API Gateway refused 6 messages over 5s ("Too Many Requests" ×5, "Internal server error" ×1); none since 10s.',
    });
  });

  it('resends nothing for a refusal that sending again would only repeat (Forbidden), but still logs it', () => {
    refusals.refused(FORBIDDEN);
    vi.advanceTimersByTime(20_000);

    expect(events).toEqual([]);
    expect(logger.matching(/^API Gateway refused a message \("Forbidden"\) without saying which; sending it again would not help\./)).toHaveLength(1);
  });

  it('cancels a waiting round when the connection closes (the reconnect resends what was unacknowledged)', () => {
    refusals.refused(THROTTLED);
    refusals.reset();
    vi.advanceTimersByTime(20_000);

    expect(events).toEqual(['refused']);
  });
});
