import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registration } from '../../../agent/transport/registration';
import { RecordingLogger } from '../support/recording-logger';

describe('Registration', () => {
  let sends: number;
  let confirmations: number;
  let connected: boolean;
  let logger: RecordingLogger;
  let registration: Registration;

  beforeEach(() => {
    vi.useFakeTimers();
    sends = 0;
    confirmations = 0;
    connected = true;
    logger = new RecordingLogger();
    registration = new Registration({
      register: () => {
        if (connected) sends++;
        return connected;
      },
      onConfirmed: () => confirmations++,
      logger,
      timeoutMs: 1000,
      maxDelayMs: 4000,
    });
  });

  afterEach(() => {
    registration.stop();
    vi.useRealTimers();
  });

  it('is unconfirmed from the handshake until agent.registered, then tells its owner once', () => {
    registration.sent();
    expect(registration.isConfirmed).toBe(false);

    registration.confirm();
    registration.confirm();

    expect(registration.isConfirmed).toBe(true);
    expect(confirmations).toBe(1);
  });

  it('registers again when no confirmation comes within the timeout, and keeps trying', () => {
    registration.sent();

    vi.advanceTimersByTime(1000);
    expect(sends).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(sends).toBe(2);
    expect(logger.matching(/^No agent\.registered within 1s; registering again\.$/)).toHaveLength(2);

    registration.confirm();
    vi.advanceTimersByTime(10_000);
    expect(sends).toBe(2);
  });

  it('registers again with growing, capped delays after refusals', () => {
    registration.sent();
    registration.confirm();

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = sends;
      registration.refused();
      let waited = 0;
      while (sends === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }

    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(registration.isConfirmed).toBe(false);
  });

  it('stops waiting when the connection closes: the next handshake registers', () => {
    registration.sent();
    registration.reset();

    vi.advanceTimersByTime(60_000);

    expect(sends).toBe(0);
    expect(registration.isConfirmed).toBe(false);
  });

  it('does not count a registration it could not send', () => {
    registration.sent();
    connected = false;

    vi.advanceTimersByTime(60_000);

    expect(sends).toBe(0);
  });

  describe('when API Gateway itself refuses a message (throttled, or a Lambda that crashed or timed out)', () => {
    it('registers again at the resend, not a whole timeout later, and waits a whole timeout after that', () => {
      registration.sent();
      vi.advanceTimersByTime(500);

      registration.gatewayRefused();
      registration.resendRefused();
      expect(sends).toBe(1);
      vi.advanceTimersByTime(999);
      expect(sends).toBe(1);
      vi.advanceTimersByTime(1);
      expect(sends).toBe(2);
    });

    it('does not register again once confirmed, nor for a refusal that came while it was not waiting', () => {
      registration.sent();
      registration.gatewayRefused();
      registration.confirm();
      registration.resendRefused();

      registration.gatewayRefused();
      registration.resendRefused();

      expect(sends).toBe(0);
    });

    it('does not grow the delay after a later refusal by the cloud', () => {
      registration.sent();
      for (let i = 0; i < 5; i++) {
        registration.gatewayRefused();
        registration.resendRefused();
      }
      registration.refused();
      const before = sends;
      vi.advanceTimersByTime(1000);

      // As after a single registration: 500 ms · 2^1.
      expect(sends).toBe(before + 1);
    });
  });
});
