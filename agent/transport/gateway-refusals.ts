/**
 * What the agent does when API Gateway itself refuses one of its messages (gateway-error-frame.ts):
 * throttling, or a Lambda that crashed or timed out. The frame does not say which message it was,
 * so everything unacknowledged at that moment is suspect and is sent again after a short, jittered
 * backoff — an identical redelivery is simply acknowledged by the cloud, so resending a message
 * that did land costs a little traffic and loses nothing.
 *
 * - One resend round takes every frame that arrives while it waits, not one round per frame:
 *   with many containers in flight, resending on every frame would multiply the very traffic
 *   that is being throttled.
 * - The delay doubles (200 ms up to 5 s by default) with every round that is refused again, and
 *   halves with every acknowledgement, because the `log.batch` bucket is shared by every agent of
 *   the stage: under sustained throttling each agent's rounds settle near the pace the bucket
 *   allows instead of hammering it, or of stalling at the longest delay while most get through.
 *   It starts over after a quiet spell.
 * - Logged once when a burst starts and once, summarised, when it has ended — not per frame.
 * - Never fatal; a refusal that sending again would only repeat (e.g. "Forbidden") is logged
 *   and nothing is resent for it (the ack timeouts still apply).
 */
import type { Logger } from '../logger';
import type { GatewayErrorFrame } from './gateway-error-frame';
import type { BackoffOptions } from './reconnect-backoff';

export interface GatewayRefusalsOptions {
  readonly logger: Logger;
  /** A transient refusal arrived: note what is unacknowledged now; one of those was refused. */
  readonly onRefused: (frame: GatewayErrorFrame) => void;
  /** The backoff passed: send again what was noted and is still unacknowledged. */
  readonly onResend: () => void;
  /** Default 200 ms doubling up to 5 s, each delay between half and all of that. */
  readonly backoff?: BackoffOptions;
  /** A burst ends (logged, backoff reset) after this long without a refusal. Default 10 s. */
  readonly quietMs?: number;
  readonly now?: () => number;
}

interface Burst {
  readonly startedAt: number;
  lastAt: number;
  readonly counts: Map<string, number>;
}

export class GatewayRefusals {
  private burst: Burst | undefined;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rounds refused again, less acknowledgements since: the exponent of the next delay. */
  private level = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GatewayRefusalsOptions) {
    this.initialDelayMs = options.backoff?.initialDelayMs ?? 200;
    this.maxDelayMs = options.backoff?.maxDelayMs ?? 5_000;
    this.random = options.backoff?.random ?? Math.random;
    this.quietMs = options.quietMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  refused(frame: GatewayErrorFrame): void {
    const now = this.now();
    if (!this.burst) {
      this.burst = { startedAt: now, lastAt: now, counts: new Map() };
      this.options.logger.warn(
        frame.transient
          ? `API Gateway refused a message ("${frame.message}") without saying which; sending what is unacknowledged (registration, batches, inventory changes) again, with backoff. Further refusals are summarised when they stop.`
          : `API Gateway refused a message ("${frame.message}") without saying which; sending it again would not help. Further refusals are summarised when they stop.`,
      );
    }
    this.burst.lastAt = now;
    this.burst.counts.set(frame.message, (this.burst.counts.get(frame.message) ?? 0) + 1);
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.endBurst(), this.quietMs);
    this.quietTimer.unref?.();
    if (!frame.transient) return;
    this.options.onRefused(frame);
    // A round already waiting takes this refusal along: what was just noted goes with it.
    if (this.resendTimer) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.options.onResend();
    }, this.nextDelay());
  }

  /** The cloud acknowledged a message: what is being sent gets through, so wait less next time. */
  delivered(): void {
    this.level = Math.max(0, this.level - 1);
  }

  /** The connection closed: what was unacknowledged is resent on the next one anyway. */
  reset(): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
  }

  stop(): void {
    this.reset();
    clearTimeout(this.quietTimer);
  }

  /** Between half and all of min(max, initial · 2^level): jittered, so agents do not retry in step. */
  private nextDelay(): number {
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.min(this.level, 30));
    this.level += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  private endBurst(): void {
    const burst = this.burst;
    this.burst = undefined;
    this.level = 0;
    if (!burst) return;
    const total = [...burst.counts.values()].reduce((sum, n) => sum + n, 0);
    const kinds = [...burst.counts].map(([message, n]) => `"${message}" ×${n}`).join(', ');
    const span = Number(((burst.lastAt - burst.startedAt) / 1000).toFixed(1));
    this.options.logger.info(
      `API Gateway refused ${total} message${total === 1 ? '' : 's'} over ${span}s (${kinds}); none since ${this.quietMs / 1000}s.`,
    );
  }
}
