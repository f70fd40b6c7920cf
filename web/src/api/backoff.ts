/**
 * Reconnect delays: exponential, capped, with jitter so that many dashboards dropped at the
 * same moment (a deploy, API Gateway's 2-hour limit) do not all come back at the same moment.
 */

export interface BackoffOptions {
  /** Delay ceiling before jitter for the first retry. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0…1; injectable for tests. */
  readonly random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, random: Math.random };

/**
 * The wait before retry number `attempt` (0 = first retry): uniformly between half and all of
 * min(max, base · 2^attempt) — "equal jitter", which spreads clients out but never retries instantly.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + options.random() * (ceiling / 2));
}
