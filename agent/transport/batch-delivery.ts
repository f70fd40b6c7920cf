/**
 * Acknowledged delivery of log batches, one outbox per container.
 *
 * API Gateway hands the messages of one connection to concurrent Lambda invocations, so two
 * batches of a container in flight at once could be stored and broadcast in either order. Each
 * container therefore has at most ONE batch in flight: the next is sent only after the cloud's
 * `log.ack` for it. A batch still unacked when the connection drops is sent again after the
 * reconnect and re-register (storage is idempotent by first seq; viewers drop repeated seqs).
 * A batch left unacked for `ackTimeoutMs` is sent again, and after `maxAttempts` it is dropped
 * with an error line, so that one batch the cloud keeps refusing cannot stall a container forever.
 *
 * The cloud's refusal of a batch names it (container, first and last seq) and says whether to
 * retry. `retry: true` (a fault of the cloud's; a stored batch sent again is simply acked) sends
 * it again soon, with a growing backoff, up to `maxRetries` times; `retry: false` (the same batch
 * would be refused again, e.g. a conflict with a stored one) drops it at once with an error line
 * naming the lines and the reason, and the container's next batch goes.
 *
 * API Gateway's own refusals (a throttled message, a Lambda that crashed or timed out) name no
 * batch. Every batch in flight when one arrives may be the refused one, so each is sent again
 * after a backoff (gateway-refusals.ts times it; an identical redelivery is simply acked). Such a
 * resend takes the place of the refused attempt — it does not count toward `maxAttempts` — and
 * starts the ack timeout anew, which stays the backstop.
 *
 * Batches wait in memory; a container whose outbox passes the high-water mark reports congestion
 * so its follower pauses the Docker stream (Docker keeps the lines in its log file meanwhile).
 *
 * A stream stop discards the batches not yet sent (Docker gives them again on the next start) —
 * except for a removed container, whose log file is gone: its outbox keeps delivering until
 * every batch is acked. An outbox no follower feeds any more is forgotten once it is empty.
 */
import { byteLength, encode, type AgentLogBatch, type AgentToCloud, type ErrorMessage, type LogAck } from '../../protocol';
import type { BatchSink } from '../docker/log-follower';
import type { Logger } from '../logger';

/** What delivery needs of the connection (CloudConnection implements it). */
export interface DeliveryChannel {
  readonly connected: boolean;
  /**
   * False when the message could not be handed to an open connection. `encoded`, when given, is
   * `encode(message)` already made (delivery encodes each batch once, to size it, and reuses that).
   */
  send(message: AgentToCloud, encoded?: string): boolean;
  isCongested(): boolean;
  onceDrained(listener: () => void): () => void;
}

export interface BatchDeliveryOptions {
  readonly channel: DeliveryChannel;
  readonly logger: Logger;
  readonly ackTimeoutMs?: number;
  readonly maxAttempts?: number;
  /** Per container: above this many bytes waiting, its follower pauses. */
  readonly highWaterMarkBytes?: number;
  /** Resends of a batch refused with retry: true before it is dropped. Default 8 (about a minute of backoff). */
  readonly maxRetries?: number;
  /** The first resend's delay after a retryable refusal; it doubles up to 30 s. Default 250. */
  readonly retryDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** A batch waiting for its ack, with its JSON: encoded once, both to size the outbox and to send (again). */
interface QueuedBatch {
  readonly batch: AgentLogBatch;
  readonly json: string;
  readonly bytes: number;
}

interface Outbox {
  readonly containerId: string;
  readonly queue: QueuedBatch[];
  bytes: number;
  inFlight: boolean;
  attempts: number;
  /** Retryable refusals of the head batch so far. */
  retries: number;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the head waits out a retry's backoff: nothing is sent meanwhile. */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** API Gateway refused a message while the head's latest copy was in flight: it may have been that one. */
  refusedByGateway: boolean;
  /** The container was removed: Docker no longer holds these lines, so none is discarded. */
  containerRemoved: boolean;
  /** No follower feeds it any more: forgotten once empty. */
  released: boolean;
  readonly drainListeners: Set<() => void>;
}

export class BatchDelivery {
  private readonly outboxes = new Map<string, Outbox>();
  private readonly ackTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly highWaterMark: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: BatchDeliveryOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.highWaterMark = options.highWaterMarkBytes ?? 1024 * 1024;
    this.maxRetries = options.maxRetries ?? 8;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  /** The sink a container's follower sends its batches to. */
  sinkFor(containerId: string): BatchSink {
    const outbox = this.outbox(containerId);
    outbox.released = false;
    return {
      send: (batch) => this.submit(outbox, batch),
      isCongested: () => outbox.bytes > this.highWaterMark || this.options.channel.isCongested(),
      onceDrained: (listener) => this.onceDrained(outbox, listener),
    };
  }

  acknowledge(ack: LogAck): void {
    const outbox = this.outboxes.get(ack.containerId);
    const head = outbox?.queue[0];
    // An ack for anything but the batch in flight is stale (e.g. for a copy sent before a drop).
    if (!outbox || !head || !outbox.inFlight || lastSeq(head.batch) !== ack.seq) return;
    this.settleHead(outbox);
    this.pump(outbox);
  }

  /**
   * The cloud refused a batch (an `error` naming it). Ignored unless it names the batch in flight:
   * a refusal of an earlier copy, or of a batch acked since, is stale.
   */
  refused(refusal: ErrorMessage): void {
    const outbox = refusal.containerId === undefined ? undefined : this.outboxes.get(refusal.containerId);
    const head = outbox?.queue[0];
    if (!outbox || !head || !outbox.inFlight) return;
    if (refusal.lastSeq !== lastSeq(head.batch) || refusal.firstSeq !== firstSeq(head.batch)) return;
    clearTimeout(outbox.ackTimer);
    outbox.inFlight = false;
    const lines = describeLines(head.batch);
    const reason = `${refusal.code}: ${refusal.message}`;
    if (refusal.retry === true && outbox.retries < this.maxRetries) {
      const delay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelayMs * 2 ** outbox.retries);
      outbox.retries += 1;
      this.options.logger.warn(
        `The cloud could not take ${lines} of container ${outbox.containerId.slice(0, 12)} (${reason}); sending them again in ${formatSeconds(delay)}.`,
      );
      outbox.retryTimer = setTimeout(() => {
        outbox.retryTimer = undefined;
        this.pump(outbox);
      }, delay);
      return;
    }
    const why = refusal.retry === true ? `after ${outbox.retries} retries` : 'sending them again would be refused the same way';
    this.options.logger.error(
      `Dropped ${lines} of container ${outbox.containerId.slice(0, 12)}: the cloud refused ${head.batch.lines.length === 1 ? 'it' : 'them'} (${reason}); ${why}.`,
    );
    this.settleHead(outbox);
    this.pump(outbox);
  }

  /**
   * API Gateway refused one of the agent's messages without naming it: mark every batch in flight
   * now; `resendRefused` sends them again unless they are acked (or sent again) meanwhile.
   */
  gatewayRefused(): void {
    for (const outbox of this.outboxes.values()) if (outbox.inFlight) outbox.refusedByGateway = true;
  }

  /** Sends each batch marked by `gatewayRefused` and still in flight again, as the same attempt. */
  resendRefused(): void {
    for (const outbox of this.outboxes.values()) {
      const head = outbox.queue[0];
      if (!outbox.refusedByGateway) continue;
      outbox.refusedByGateway = false;
      if (!outbox.inFlight || !head || !this.options.channel.connected) continue;
      if (!this.options.channel.send(head.batch, head.json)) continue;
      // Not counted: the refused copy never reached the cloud's handler (or failed there on its way).
      clearTimeout(outbox.ackTimer);
      outbox.ackTimer = setTimeout(() => this.onAckTimeout(outbox), this.ackTimeoutMs);
    }
  }

  /** The connection is (again) open and registered: send each container's oldest unacked batch. */
  resume(): void {
    for (const outbox of this.outboxes.values()) this.pump(outbox);
  }

  /** The connection dropped: what was in flight will be sent again on the next one. */
  pause(): void {
    for (const outbox of this.outboxes.values()) {
      clearTimeout(outbox.ackTimer);
      clearTimeout(outbox.retryTimer);
      outbox.retryTimer = undefined;
      outbox.inFlight = false;
      outbox.refusedByGateway = false;
      // Not the cloud's refusal: a batch on a dropped connection does not use up an attempt.
      outbox.attempts = 0;
    }
  }

  /**
   * The container's stream stopped: forget the batches not yet sent. The cloud's next
   * log.stream.start resumes from what it stored, so Docker gives those lines again. Not for a
   * removed container (containerRemoved): Docker has nothing to give again.
   */
  discardQueued(containerId: string): void {
    const outbox = this.outboxes.get(containerId);
    if (!outbox || outbox.containerRemoved) return;
    const keep = outbox.inFlight ? outbox.queue.slice(0, 1) : [];
    outbox.queue.splice(0, outbox.queue.length, ...keep);
    outbox.bytes = keep.reduce((sum, item) => sum + item.bytes, 0);
    this.checkDrained(outbox);
  }

  /**
   * Docker removed the container, and its log file with it: from now on its batches are only
   * here, so a stream stop no longer discards them; they are delivered until acked.
   */
  containerRemoved(containerId: string): void {
    const outbox = this.outboxes.get(containerId);
    if (outbox) outbox.containerRemoved = true;
  }

  /** The container's follower is done (stopped, or read to the end): forget its outbox once delivered. */
  release(containerId: string): void {
    const outbox = this.outboxes.get(containerId);
    if (!outbox) return;
    outbox.released = true;
    this.forgetIfDone(outbox);
  }

  /** Whether an outbox is kept for the container (it is fed, or still has batches to deliver). */
  hasOutbox(containerId: string): boolean {
    return this.outboxes.has(containerId);
  }

  /** Whether a batch of any container was sent and awaits its answer (a connection replacement waits for none). */
  hasInFlight(): boolean {
    for (const outbox of this.outboxes.values()) if (outbox.inFlight) return true;
    return false;
  }

  /** Batches of the container not yet acknowledged, oldest first. */
  unacknowledged(containerId: string): readonly AgentLogBatch[] {
    return this.outboxes.get(containerId)?.queue.map((item) => item.batch) ?? [];
  }

  stop(): void {
    for (const outbox of this.outboxes.values()) {
      clearTimeout(outbox.ackTimer);
      clearTimeout(outbox.retryTimer);
    }
  }

  private submit(outbox: Outbox, batch: AgentLogBatch): void {
    const json = encode(batch);
    const bytes = byteLength(json);
    outbox.queue.push({ batch, json, bytes });
    outbox.bytes += bytes;
    this.pump(outbox);
  }

  private pump(outbox: Outbox): void {
    const head = outbox.queue[0];
    if (outbox.inFlight || outbox.retryTimer || !head || !this.options.channel.connected) return;
    if (!this.options.channel.send(head.batch, head.json)) return;
    outbox.inFlight = true;
    outbox.refusedByGateway = false;
    outbox.attempts += 1;
    outbox.ackTimer = setTimeout(() => this.onAckTimeout(outbox), this.ackTimeoutMs);
  }

  private onAckTimeout(outbox: Outbox): void {
    const head = outbox.queue[0];
    if (!outbox.inFlight || !head) return;
    outbox.inFlight = false;
    const lines = describeLines(head.batch);
    if (outbox.attempts >= this.maxAttempts) {
      this.options.logger.error(
        `Dropped ${lines} of container ${outbox.containerId.slice(0, 12)}: the cloud did not acknowledge them after ${outbox.attempts} attempts.`,
      );
      this.settleHead(outbox);
    } else {
      this.options.logger.warn(
        `No log.ack for ${lines} of container ${outbox.containerId.slice(0, 12)} within ${this.ackTimeoutMs / 1000}s; sending them again.`,
      );
    }
    this.pump(outbox);
  }

  private settleHead(outbox: Outbox): void {
    clearTimeout(outbox.ackTimer);
    const settled = outbox.queue.shift();
    if (settled) outbox.bytes -= settled.bytes;
    outbox.inFlight = false;
    outbox.refusedByGateway = false;
    outbox.attempts = 0;
    outbox.retries = 0;
    this.checkDrained(outbox);
    this.forgetIfDone(outbox);
  }

  private forgetIfDone(outbox: Outbox): void {
    if (!outbox.released || outbox.queue.length > 0 || outbox.inFlight || outbox.retryTimer) return;
    clearTimeout(outbox.ackTimer);
    if (this.outboxes.get(outbox.containerId) === outbox) this.outboxes.delete(outbox.containerId);
  }

  private onceDrained(outbox: Outbox, listener: () => void): () => void {
    let cancelled = false;
    let cancelWait: (() => void) | undefined;
    const step = (): void => {
      if (cancelled) return;
      if (outbox.bytes > this.highWaterMark / 2) {
        outbox.drainListeners.add(step);
        cancelWait = () => outbox.drainListeners.delete(step);
      } else if (this.options.channel.isCongested()) {
        cancelWait = this.options.channel.onceDrained(step);
      } else {
        listener();
      }
    };
    queueMicrotask(step);
    return () => {
      cancelled = true;
      cancelWait?.();
    };
  }

  private checkDrained(outbox: Outbox): void {
    if (outbox.drainListeners.size === 0 || outbox.bytes > this.highWaterMark / 2) return;
    const listeners = [...outbox.drainListeners];
    outbox.drainListeners.clear();
    for (const listener of listeners) listener();
  }

  private outbox(containerId: string): Outbox {
    let outbox = this.outboxes.get(containerId);
    if (!outbox) {
      outbox = {
        containerId,
        queue: [],
        bytes: 0,
        inFlight: false,
        attempts: 0,
        retries: 0,
        ackTimer: undefined,
        retryTimer: undefined,
        refusedByGateway: false,
        containerRemoved: false,
        released: false,
        drainListeners: new Set(),
      };
      this.outboxes.set(containerId, outbox);
    }
    return outbox;
  }
}

function firstSeq(batch: AgentLogBatch): number {
  return batch.lines[0]!.seq;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

function lastSeq(batch: AgentLogBatch): number {
  return batch.lines[batch.lines.length - 1]!.seq;
}

function describeLines(batch: AgentLogBatch): string {
  const first = firstSeq(batch);
  const last = lastSeq(batch);
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}
