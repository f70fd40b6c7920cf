import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerRef, ErrorMessage } from '../../protocol';
import { createSubscribeRetry, MAX_RESUBSCRIBES, RESUBSCRIBE_FIRST_MS, type SubscribeRetry } from '../../web/src/session/subscribe-retry';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };

const refusal = (ref: ContainerRef | undefined, retry: boolean, code: ErrorMessage['code'] = retry ? 'internal' : 'unknown_target'): ErrorMessage => ({
  action: 'error',
  code,
  message: 'no',
  requestAction: 'log.subscribe',
  retry,
  ...(ref ?? {}),
});

describe('a refused subscribe', () => {
  let calls: string[];
  let retry: SubscribeRetry;

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    retry = createSubscribeRetry({
      resubscribe: (ref) => calls.push(`resubscribe ${ref.containerId}`),
      endHistory: (ref) => calls.push(`end ${ref.containerId}`),
      endAllHistory: () => calls.push('end all'),
      random: () => 1,
    });
  });

  afterEach(() => {
    retry.close();
    vi.useRealTimers();
  });

  it('that may be retried is subscribed again, just that container, after a short backoff, its history still awaited', () => {
    retry.refused(refusal(web, true));
    expect(calls).toEqual([]);

    vi.advanceTimersByTime(RESUBSCRIBE_FIRST_MS);

    expect(calls).toEqual(['resubscribe web']);
  });

  it('that keeps failing is retried with a growing backoff, then given up: only that container stops awaiting its history', () => {
    for (let i = 0; i <= MAX_RESUBSCRIBES; i++) {
      retry.refused(refusal(web, true));
      vi.advanceTimersByTime(60_000);
    }

    expect(calls).toEqual([...Array.from({ length: MAX_RESUBSCRIBES }, () => 'resubscribe web'), 'end web']);
  });

  it('starts its backoff over once a history arrived', () => {
    retry.refused(refusal(web, true));
    vi.advanceTimersByTime(60_000);
    retry.refused(refusal(web, true));
    retry.succeeded(web);
    retry.refused(refusal(web, true));

    vi.advanceTimersByTime(RESUBSCRIBE_FIRST_MS);

    expect(calls).toEqual(['resubscribe web', 'resubscribe web']);
  });

  it('that cannot succeed again ends the awaited history of that container only', () => {
    retry.refused(refusal(db, false));
    vi.advanceTimersByTime(60_000);

    expect(calls).toEqual(['end db']);
  });

  it('naming no container ends every awaited history, as before', () => {
    retry.refused(refusal(undefined, false, 'malformed'));

    expect(calls).toEqual(['end all']);
  });

  it('is not retried once the container is forgotten (unsubscribed)', () => {
    retry.refused(refusal(web, true));
    retry.forget(web);
    vi.advanceTimersByTime(60_000);

    expect(calls).toEqual([]);
  });
});
