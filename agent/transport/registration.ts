/**
 * Whether the cloud has confirmed this connection's `agent.register` (with `agent.registered`).
 *
 * Batches and inventories wait until it has: API Gateway runs a connection's messages through
 * concurrent Lambda invocations, so one sent right behind the registration could be handled
 * first and refused. A registration that is refused, or left unanswered (a throttled or failed
 * Lambda answers nothing useful), is sent again with backoff — otherwise the agent would hold its
 * batches until the connection happened to drop, up to API Gateway's two hours.
 */
import type { Logger } from '../logger';

export interface RegistrationOptions {
  /** Sends agent.register on the current connection; false when there is none. */
  readonly register: () => boolean;
  /** The registration was confirmed: held batches may go. */
  readonly onConfirmed: () => void;
  readonly logger: Logger;
  /** How long to wait for agent.registered before registering again. Default 10 s. */
  readonly timeoutMs?: number;
  /** The longest wait between repeated registrations. Default 60 s. */
  readonly maxDelayMs?: number;
}

export class Registration {
  private confirmed = false;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly timeoutMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: RegistrationOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
  }

  get isConfirmed(): boolean {
    return this.confirmed;
  }

  /** An agent.register went out on the connection: wait for its confirmation. */
  sent(): void {
    this.confirmed = false;
    this.attempts += 1;
    this.schedule(this.timeoutMs, () => {
      this.options.logger.warn(`No agent.registered within ${this.timeoutMs / 1000}s; registering again.`);
      this.retry();
    });
  }

  confirm(): void {
    clearTimeout(this.timer);
    this.attempts = 0;
    if (this.confirmed) return;
    this.confirmed = true;
    this.options.onConfirmed();
  }

  /** The cloud refused the registration, or no longer knows it: hold batches and register again. */
  refused(): void {
    this.confirmed = false;
    this.schedule(this.backoffMs(), () => this.retry());
  }

  /** The connection closed: the next one registers in its handshake. */
  reset(): void {
    clearTimeout(this.timer);
    this.confirmed = false;
    this.attempts = 0;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private retry(): void {
    if (this.options.register()) this.sent();
  }

  private backoffMs(): number {
    // 0.5 s, 1 s, 2 s … after the first refusal: a refusal usually means a transient fault.
    return Math.min(500 * 2 ** this.attempts, this.maxDelayMs);
  }

  private schedule(delayMs: number, action: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(action, delayMs);
    this.timer.unref?.();
  }
}
