/**
 * What the dashboard does with a refused `log.subscribe`. The cloud names the container it
 * refused (agentId, containerId) and says whether subscribing again can succeed (`retry`):
 *   - retry: that container is subscribed again after a short, growing backoff, from the last seq
 *     held; its live lines stay held meanwhile, so the history that comes lands before them.
 *     After MAX_RESUBSCRIBES refusals in a row it is given up: its held lines are shown.
 *   - no retry: that container stops awaiting its history (its held live lines are shown).
 *   - no container named (an older cloud, an unreadable body): every container stops awaiting
 *     its history, since there is no telling whose will not come.
 * Other containers are never touched by a refusal naming one.
 */
import { containerKey, type ContainerRef, type ErrorMessage } from '../../../protocol';
import { reconnectDelay } from '../api/backoff';

export const RESUBSCRIBE_FIRST_MS = 1_000;
export const RESUBSCRIBE_MAX_MS = 30_000;
/** Refusals in a row (no history in between) after which a container is given up. */
export const MAX_RESUBSCRIBES = 6;

export interface SubscribeRetryOptions {
  /** Sends the container's subscribe again (if it is still subscribed). */
  readonly resubscribe: (ref: ContainerRef) => void;
  /** Stops awaiting the history of one container. */
  readonly endHistory: (ref: ContainerRef) => void;
  /** Stops awaiting every history. */
  readonly endAllHistory: () => void;
  /** 0…1, the jitter of the backoff; injectable for tests. */
  readonly random?: () => number;
}

export interface SubscribeRetry {
  /** A refusal of a log.subscribe. */
  refused(error: ErrorMessage): void;
  /** The container's history arrived: its next refusal starts the backoff over. */
  succeeded(ref: ContainerRef): void;
  /** The container is no longer subscribed: no retry for it. */
  forget(ref: ContainerRef): void;
  close(): void;
}

export function createSubscribeRetry(options: SubscribeRetryOptions): SubscribeRetry {
  const attempts = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const backoff = { baseMs: RESUBSCRIBE_FIRST_MS, maxMs: RESUBSCRIBE_MAX_MS, random: options.random ?? Math.random };

  const cancel = (key: string): void => {
    clearTimeout(timers.get(key));
    timers.delete(key);
  };

  return {
    refused(error) {
      if (error.agentId === undefined || error.containerId === undefined) {
        options.endAllHistory();
        return;
      }
      const ref = { agentId: error.agentId, containerId: error.containerId };
      const key = containerKey(ref);
      cancel(key);
      const attempt = attempts.get(key) ?? 0;
      if (error.retry !== true || attempt >= MAX_RESUBSCRIBES) {
        attempts.delete(key);
        options.endHistory(ref);
        return;
      }
      attempts.set(key, attempt + 1);
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          options.resubscribe(ref);
        }, reconnectDelay(attempt, backoff)),
      );
    },
    succeeded(ref) {
      const key = containerKey(ref);
      cancel(key);
      attempts.delete(key);
    },
    forget(ref) {
      const key = containerKey(ref);
      cancel(key);
      attempts.delete(key);
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      attempts.clear();
    },
  };
}
