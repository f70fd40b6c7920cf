/**
 * Inventory changes, sent until the cloud acknowledges them (`inventory.ack`).
 *
 * A change is reported once — the next report is relative to it — so one lost on the way (route
 * throttling answers "Too Many Requests", a failed Lambda answers nothing useful) would leave
 * viewers with a stale container until the agent happened to register again. So an inventory not
 * acknowledged in time is sent once more (the cloud takes the same observation again and relays
 * it again), and if that is not acknowledged either, the agent registers again: the registration's
 * whole list brings the cloud up to date, whatever was lost.
 *
 * When API Gateway itself refuses a message (gateway-refusals.ts), every inventory unacknowledged
 * at that moment is sent again after a short backoff instead: that resend takes the place of the
 * refused copy (it uses up no attempt) and waits a whole ack timeout again.
 */
import type { AgentInventory } from '../../protocol';
import type { Logger } from '../logger';

export interface InventoryDeliveryOptions {
  /** Sends on the current connection; false when there is none. */
  readonly send: (message: AgentInventory) => boolean;
  /** Inventories went unacknowledged twice: register again. */
  readonly onUnconfirmed: () => void;
  readonly logger: Logger;
  /** How long to wait for each ack. Default 10 s. */
  readonly ackTimeoutMs?: number;
}

/** The first send and one more. */
const ATTEMPTS = 2;

interface InFlight {
  readonly message: AgentInventory;
  attempts: number;
  timer: ReturnType<typeof setTimeout>;
  /** API Gateway refused a message while this copy was unacknowledged: it may have been this one. */
  refusedByGateway: boolean;
}

export class InventoryDelivery {
  /** By observedAt, which is strictly increasing per agent. */
  private readonly inFlight = new Map<number, InFlight>();
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: InventoryDeliveryOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  }

  /** False when there is no connection: then nothing is kept (the next connection registers). */
  send(message: AgentInventory): boolean {
    if (!this.options.send(message)) return false;
    const entry: InFlight = { message, attempts: 1, timer: this.arm(message.observedAt), refusedByGateway: false };
    this.inFlight.set(message.observedAt, entry);
    return true;
  }

  acknowledge(observedAt: number): void {
    const entry = this.inFlight.get(observedAt);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.inFlight.delete(observedAt);
  }

  /** API Gateway refused a message without naming it: mark every inventory unacknowledged now. */
  gatewayRefused(): void {
    for (const entry of this.inFlight.values()) entry.refusedByGateway = true;
  }

  /** Sends each inventory marked by `gatewayRefused` and still unacknowledged again, as the same attempt. */
  resendRefused(): void {
    for (const [observedAt, entry] of this.inFlight) {
      if (!entry.refusedByGateway) continue;
      entry.refusedByGateway = false;
      if (!this.options.send(entry.message)) continue;
      clearTimeout(entry.timer);
      entry.timer = this.arm(observedAt);
    }
  }

  /** A registration went out (its list covers everything in flight) or the connection closed. */
  reset(): void {
    for (const entry of this.inFlight.values()) clearTimeout(entry.timer);
    this.inFlight.clear();
  }

  stop(): void {
    this.reset();
  }

  private arm(observedAt: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.timedOut(observedAt), this.ackTimeoutMs);
    timer.unref?.();
    return timer;
  }

  private timedOut(observedAt: number): void {
    const entry = this.inFlight.get(observedAt);
    if (!entry) return;
    if (entry.attempts < ATTEMPTS && this.options.send(entry.message)) {
      entry.attempts += 1;
      entry.refusedByGateway = false;
      entry.timer = this.arm(observedAt);
      return;
    }
    this.options.logger.warn(`No inventory.ack within ${this.ackTimeoutMs / 1000}s, twice; registering again with the whole container list.`);
    this.reset();
    this.options.onUnconfirmed();
  }
}
