/**
 * Sends agent.status — lag and skip counts — every `intervalMs` while the connection is
 * registered (not during a connection replacement). A report that cannot go is simply skipped:
 * the next one carries the same totals, which count from the process's start (`since`).
 *
 * Cost: one message and one small Lambda invocation with one DynamoDB write per interval
 * (default 60 s: 1,440 a day per agent); viewers hear of it only when it is news (record-status.ts).
 */
import type { AgentStatus, ReportedStatus } from '../../protocol';
import type { DeliveryLag } from './delivery-lag';

export const DEFAULT_STATUS_INTERVAL_MS = 60_000;

export interface StatusReporterOptions {
  readonly lag: DeliveryLag;
  /** The lines of the skip markers acknowledged so far, per reason (BatchDelivery.skipCounts). */
  readonly skipped: () => ReportedStatus['skipped'];
  /** Sends on the registered connection; false when there is none. */
  readonly send: (message: AgentStatus) => boolean;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export class StatusReporter {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly since: number;
  private lastObservedAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: StatusReporterOptions) {
    this.now = options.now ?? Date.now;
    this.since = this.now();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.report(), this.options.intervalMs ?? DEFAULT_STATUS_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Sends a report now; false when it could not go. */
  report(): boolean {
    // Strictly increasing, so the cloud keeps the newest of reports handled out of order.
    const observedAt = Math.max(this.now(), this.lastObservedAt + 1);
    const sent = this.options.send({
      action: 'agent.status',
      observedAt,
      since: this.since,
      ...this.options.lag.measure(),
      skipped: this.options.skipped(),
    });
    if (sent) this.lastObservedAt = observedAt;
    return sent;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
