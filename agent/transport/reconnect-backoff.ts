/**
 * Delays between reconnect attempts: exponential, capped, with jitter so that many agents cut off
 * by the same outage do not all come back in the same second. `reset()` once a connection has
 * proved stable; a connection that drops right after opening keeps the delay growing.
 */
export interface BackoffOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** 0 ≤ random() < 1; injectable for tests. */
  readonly random?: () => number;
}

export class ReconnectBackoff {
  private attempt = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: between half and all of min(max, initial · 2^attempt). */
  next(): number {
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
