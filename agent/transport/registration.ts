/**
 * Whether the cloud has confirmed this connection's `agent.register` (with `agent.registered`).
 *
 * Batches and inventories wait until it has: API Gateway runs a connection's messages through
 * concurrent Lambda invocations, so one sent right behind the registration could be handled
 * first and refused. A registration that is refused, or left unanswered (a throttled or failed
 * Lambda answers nothing useful), is sent again with backoff — otherwise the agent would hold its
 * batches until the connection happened to drop, up to API Gateway's two hours.
 * A registration waiting when API Gateway itself refuses a message (gateway-refusals.ts) may be the
 * refused one: it is sent again at the resend rather than a whole timeout later.
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
  /** An agent.register went out and its confirmation has not come. */
  private waiting = false;
  /** API Gateway refused a message while this registration was waiting. */
  private refusedByGateway = false;
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
    this.waiting = true;
    this.refusedByGateway = false;
    this.attempts += 1;
    this.schedule(this.timeoutMs, () => {
      this.options.logger.warn(`No agent.registered within ${this.timeoutMs / 1000}s; registering again.`);
      this.retry();
    });
  }

  confirm(): void {
    clearTimeout(this.timer);
    this.waiting = false;
    this.refusedByGateway = false;
    this.attempts = 0;
    if (this.confirmed) return;
    this.confirmed = true;
    this.options.onConfirmed();
  }

  /** The cloud refused the registration, or no longer knows it: hold batches and register again. */
  refused(): void {
    this.confirmed = false;
    this.waiting = false;
    this.refusedByGateway = false;
    this.schedule(this.backoffMs(), () => this.retry());
  }

  /** The connection closed: the next one registers in its handshake. */
  reset(): void {
    clearTimeout(this.timer);
    this.confirmed = false;
    this.waiting = false;
    this.refusedByGateway = false;
    this.attempts = 0;
  }

  /** API Gateway refused a message without naming it: the waiting registration may be it. */
  gatewayRefused(): void {
    if (this.waiting) this.refusedByGateway = true;
  }

  /** Registers again if the registration marked by `gatewayRefused` still waits, as the same attempt. */
  resendRefused(): void {
    if (!this.refusedByGateway) return;
    this.refusedByGateway = false;
    if (!this.waiting || !this.options.register()) return;
    // Not counted: the refused copy is not the cloud's refusal, and must not lengthen later delays.
    this.attempts -= 1;
    this.sent();
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
