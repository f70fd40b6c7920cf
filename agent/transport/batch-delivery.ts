/**
 * Acknowledged delivery of log batches, one outbox per container.
 *
 * API Gateway hands the messages of one connection to concurrent Lambda invocations, so two
 * batches of a container in flight at once could be stored and broadcast in either order. Each
 * container therefore has at most ONE batch in flight: the next is sent only after the cloud's
 * `log.ack` for it. A batch still unacked when the connection drops is sent again after the
 * reconnect and re-register (storage is idempotent by first seq; viewers drop repeated seqs).
 *
 * A batch is never dropped for taking long: one left unacked for `ackTimeoutMs`, or refused with a
 * fault of the cloud's (`internal`, …), is sent again after a backoff that doubles up to 30 s, for
 * as long as it takes — the cloud is waited out, and while the outbox waits the memory budget
 * pauses the container's Docker stream, whose log file holds the lines that follow. What a refusal
 * means is decided in batch-refusal-policy.ts: a batch refused for good (sending it again would be
 * refused the same way), or one the cloud keeps crashing on, is replaced by a `refused` skip
 * marker numbered at its first seq, and the lines queued behind it are renumbered to follow the
 * marker, so the numbering stays consecutive; a `conflict` is dropped with an error line — except
 * on the marker of a crash-loop give-up, which says the batch was stored before the cloud failed:
 * the marker is dropped and the renumbering taken back.
 *
 * API Gateway's own refusals (a throttled message, a Lambda that crashed or timed out) name no
 * batch. Every batch in flight when one arrives may be the refused one, so each is sent again
 * after a backoff (gateway-refusals.ts times it; an identical redelivery is simply acked). Such a
 * resend takes the place of the refused attempt and starts the ack timeout anew, which stays the
 * backstop; a crash (not a throttle) counts toward the batch's failures.
 *
 * Batches are the agent's own (LineBatch: line objects): markers and renumbering work on their
 * lines. Each is packed into its `log.batch` message once (wire-batch.ts; the batcher already did
 * for most) and that text is sent on every attempt, so a resend is an identical batch. A batch of
 * one line too large for one message goes in parts: part i + 1 is sent at the ack of part i, and
 * a failed attempt starts again from part 0 (the cloud may not hold the earlier parts).
 *
 * Memory: every outbox's batches (their line objects and their packed messages), and what each
 * follower's pipeline holds (`holding`), are counted in one MemoryBudget across containers; a container over its allowance reports
 * congestion, so its follower pauses the Docker stream until acks free room.
 *
 * A stream stop discards the batches not yet sent (Docker gives them again on the next start) —
 * except for a removed container, whose log file is gone: its outbox keeps delivering until
 * every batch is acked. An outbox no follower feeds any more is forgotten once it is empty.
 */
import {
  compareTimestamps,
  type AgentToCloud,
  type ErrorMessage,
  type LogAck,
  type LogLine,
  type ReportedStatus,
  type ResumePoint,
} from '../../protocol';
import type { BatchSink } from '../docker/log-follower';
import type { Logger } from '../logger';
import { firstSeqOf as firstSeq, lastSeqOf as lastSeq, type LineBatch } from '../pipeline/line-batch';
import { skipMarker } from '../pipeline/skip-marker';
import { SkipMarkerTally } from '../status/skip-marker-tally';
import { isCrashLooping, verdictOn, type CrashLoopLimits } from './batch-refusal-policy';
import type { GatewayErrorFrame } from './gateway-error-frame';
import { DEFAULT_MAX_BUFFER_BYTES, MemoryBudget, lineObjectBytes } from './memory-budget';
import { packBatch, type WireBatch } from './wire-batch';

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
  /** The bound on the bytes held across containers. Default: one of DEFAULT_MAX_BUFFER_BYTES. */
  readonly budget?: MemoryBudget;
  /** The first resend's delay after a failed attempt; it doubles up to `maxRetryDelayMs`. Default 250. */
  readonly retryDelayMs?: number;
  /** Default 30000. */
  readonly maxRetryDelayMs?: number;
  /** When a batch the cloud keeps failing on is given up (batch-refusal-policy.ts). */
  readonly crashLoop?: CrashLoopLimits;
  readonly now?: () => number;
}

/** Lines in the skip markers the cloud acknowledged, per reason: what the agent could not deliver, and said so. */
export type SkipCounts = ReportedStatus['skipped'];

/** A batch waiting for its ack, with its messages: packed once, both to size the outbox and to send (again). */
interface QueuedBatch {
  readonly batch: LineBatch;
  readonly wire: WireBatch;
  /** What holding it costs: its messages' JSON, and its line objects with their texts (both are kept). */
  readonly bytes: number;
  /** A marker standing in for a batch refused for good: if it is refused too, nothing stands in for it. */
  readonly replacement: boolean;
  /**
   * On the marker of a crash-loop give-up: how far the queue behind it was renumbered. The cloud
   * stores a batch before it acks it, so the one it kept failing on may be stored: a `conflict`
   * on the marker says so, and the renumbering is taken back.
   */
  readonly shiftBehind?: number;
}

interface Outbox {
  readonly containerId: string;
  readonly queue: QueuedBatch[];
  /** Bytes of `queue`. */
  bytes: number;
  /** What the follower's pipeline holds (reported through its sink). */
  pipelineBytes: number;
  inFlight: boolean;
  /** The head's part being sent (0 for a whole batch): the next is sent at its ack. */
  part: number;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the head waits out a retry's backoff: nothing is sent meanwhile. */
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** API Gateway refused a message while the head's latest copy was in flight: it may have been that one. */
  refusedByGateway: boolean;
  /** Failed attempts of the head in a row, of any kind: they set the backoff. */
  retries: number;
  /** Of those, the ones that count toward a crash-loop give-up (unacked, refused for a fault, crashed), and since when. */
  failures: number;
  failingSince: number;
  /** The count of acks (of any container) when the streak began: more since means the cloud takes others. */
  acksAtStreakStart: number;
  /** Subtracted from the seqs of what the follower sends: lines that were renumbered behind a marker. */
  seqShift: number;
  /** The container was removed: Docker no longer holds these lines, so none is discarded. */
  containerRemoved: boolean;
  /** No follower feeds it any more: forgotten once empty. */
  released: boolean;
  /** Waiting for room that an emptied queue gives (a container with nothing queued is never held back). */
  readonly emptyListeners: Set<() => void>;
  /** Waiting for nothing to be unacknowledged (the batcher gathers lines meanwhile). */
  readonly idleListeners: Set<() => void>;
}

export class BatchDelivery {
  private readonly outboxes = new Map<string, Outbox>();
  private readonly ackTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly now: () => number;
  private readonly budget: MemoryBudget;
  /** Every ack so far, of any container. */
  private acks = 0;
  private readonly skips = new SkipMarkerTally();
  private droppedUnmarked = 0;

  constructor(private readonly options: BatchDeliveryOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.budget = options.budget ?? new MemoryBudget({ maxBytes: DEFAULT_MAX_BUFFER_BYTES });
  }

  /** The sink a container's follower sends its batches to. A new follower numbers from the cloud's resume point. */
  sinkFor(containerId: string): BatchSink {
    const outbox = this.outbox(containerId);
    outbox.released = false;
    outbox.seqShift = 0;
    return {
      send: (batch) => this.submit(outbox, batch),
      isCongested: () => (outbox.queue.length > 0 && this.budget.isOver(containerId)) || this.options.channel.isCongested(),
      onceDrained: (listener) => this.onceDrained(outbox, listener),
      // Lines gather while a batch waits for its ack, near the bound too: the Docker stream's pause
      // (isCongested, asked before every slice) bounds them, and a flood that fills the queue is
      // when batches should be full — cut small there, each would cost an invocation, an item and
      // its messages for a few KB (issue 9: one viewer paid for 8 KB batches).
      idle: () => outbox.queue.length === 0,
      // With nothing queued the stream is never paused (no ack would wake it): a batch gathered
      // near the bound then goes to the queue, and from there the pause bounds what follows.
      tight: () => outbox.queue.length === 0 && this.budget.isOver(containerId, true),
      onceIdle: (listener) => {
        outbox.idleListeners.add(listener);
        return () => outbox.idleListeners.delete(listener);
      },
      holding: (bytes) => {
        if (this.outboxes.get(containerId) !== outbox) return;
        // Recorded before adjusting: the room freed may wake the follower, which reports again at once.
        const delta = bytes - outbox.pipelineBytes;
        outbox.pipelineBytes = bytes;
        this.budget.adjust(containerId, delta);
      },
    };
  }

  acknowledge(ack: LogAck): void {
    const outbox = this.outboxes.get(ack.containerId);
    const head = outbox?.queue[0];
    // An ack for anything but the head batch sent is stale (e.g. for a copy sent before a drop). A
    // late ack of a copy whose ack timed out, while the head waits to be sent again, is good.
    if (!outbox || !head || !(outbox.inFlight || outbox.retryTimer) || lastSeq(head.batch) !== ack.seq) return;
    if (ack.part !== undefined) {
      // A part is held: send the next. An ack of another part is of an earlier attempt.
      if (!outbox.inFlight || ack.part !== outbox.part || ack.part >= head.wire.messages.length - 1) return;
      clearTimeout(outbox.ackTimer);
      outbox.inFlight = false;
      outbox.part += 1;
      this.pump(outbox);
      return;
    }
    this.acks += 1;
    this.skips.acknowledged(head.batch);
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
    outbox.part = 0;
    const reason = `${refusal.code}: ${refusal.message}`;
    const verdict = verdictOn(refusal);
    if (verdict === 'resend') {
      // A superseded connection says nothing about the batch: it is no crash-loop failure.
      this.failed(outbox, `the cloud could not take them (${reason})`, refusal.code !== 'forbidden');
      return;
    }
    if (verdict === 'drop' && head.shiftBehind !== undefined) {
      this.withdrawMarker(outbox, head.shiftBehind);
    } else if (verdict === 'drop' || head.replacement) {
      this.dropHead(outbox, `the cloud refused ${head.batch.lines.length === 1 ? 'it' : 'them'} (${reason}); sending them again would be refused the same way`);
    } else {
      this.replaceHead(outbox, `the cloud refused them for good (${reason})`);
    }
    this.pump(outbox);
  }

  /**
   * API Gateway refused one of the agent's messages without naming it: mark every batch in flight
   * now; `resendRefused` sends them again unless they are acked (or sent again) meanwhile. A crash
   * or timeout of the Lambda (not a throttle) counts as a failed attempt of each.
   */
  gatewayRefused(frame?: GatewayErrorFrame): void {
    const crashed = frame !== undefined && frame.message !== 'Too Many Requests';
    for (const outbox of this.outboxes.values()) {
      if (!outbox.inFlight) continue;
      outbox.refusedByGateway = true;
      if (crashed) this.countFailure(outbox);
    }
  }

  /** Sends each batch marked by `gatewayRefused` and still in flight again, as the same attempt. */
  resendRefused(): void {
    for (const outbox of this.outboxes.values()) {
      const head = outbox.queue[0];
      if (!outbox.refusedByGateway) continue;
      outbox.refusedByGateway = false;
      if (!outbox.inFlight || !head || !this.options.channel.connected) continue;
      if (this.crashLooping(outbox)) {
        clearTimeout(outbox.ackTimer);
        outbox.inFlight = false;
        this.giveUp(outbox, 'API Gateway reported the cloud failing on them');
        this.pump(outbox);
        continue;
      }
      const wire = head.wire.messages[outbox.part]!;
      if (!this.options.channel.send(wire.message, wire.json)) continue;
      clearTimeout(outbox.ackTimer);
      outbox.ackTimer = setTimeout(() => this.onAckTimeout(outbox), this.ackTimeoutMs);
    }
  }

  /** The connection is (again) open and registered: send each container's oldest unacked batch. */
  resume(): void {
    for (const outbox of this.outboxes.values()) this.pump(outbox);
  }

  /** The connection dropped: what was in flight will be sent again on the next one, at once. */
  pause(): void {
    for (const outbox of this.outboxes.values()) {
      clearTimeout(outbox.ackTimer);
      clearTimeout(outbox.retryTimer);
      outbox.retryTimer = undefined;
      outbox.inFlight = false;
      outbox.part = 0;
      outbox.refusedByGateway = false;
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
    if (!outbox.inFlight) {
      clearTimeout(outbox.retryTimer);
      outbox.retryTimer = undefined;
      this.endStreak(outbox);
    }
    outbox.queue.splice(0, outbox.queue.length, ...keep);
    this.setQueuedBytes(outbox, keep.reduce((sum, item) => sum + item.bytes, 0));
    this.checkEmpty(outbox);
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
  unacknowledged(containerId: string): readonly LineBatch[] {
    return this.outboxes.get(containerId)?.queue.map((item) => item.batch) ?? [];
  }

  /**
   * Where a new follower of the container continues when its outbox still holds unacked batches
   * of `epoch`: after the last line queued (highest ts, texts at that ts, as the cloud computes
   * it). A batch in flight may not be stored yet, so the cloud's resume point can be older;
   * numbering from there would give the same seqs to other lines, or the same lines with other
   * batch boundaries, and the cloud would refuse them as a conflict. Undefined when nothing of
   * that epoch is queued.
   */
  queuedResumePoint(containerId: string, epoch: number): ResumePoint | undefined {
    const queue = this.outboxes.get(containerId)?.queue ?? [];
    if (queue.length === 0 || queue.some((item) => item.batch.epoch !== epoch)) return undefined;
    const lines = queue.flatMap((item) => item.batch.lines);
    const ts = lines.reduce((max, line) => (compareTimestamps(line.ts, max) > 0 ? line.ts : max), lines[0]!.ts);
    // Markers count for the seq and ts, never for the texts: Docker never sends their text.
    const textsAtTs = lines.filter((line) => !line.skipped && compareTimestamps(line.ts, ts) === 0).map((line) => line.text);
    return { seq: lines[lines.length - 1]!.seq, ts, textsAtTs };
  }

  /** Bytes of log lines held now across containers (batches unacked, and the followers' pipelines). */
  get heldBytes(): number {
    return this.budget.heldBytes;
  }

  /** The most bytes held at any moment so far. */
  get peakHeldBytes(): number {
    return this.budget.peakBytes;
  }

  get maxHeldBytes(): number {
    return this.budget.maxBytes;
  }

  /** The Docker timestamp of the oldest line not yet acknowledged, of any container (undefined when all are). */
  oldestUnacknowledgedTs(): string | undefined {
    let oldest: string | undefined;
    for (const outbox of this.outboxes.values()) {
      const ts = outbox.queue[0]?.batch.lines[0]?.ts;
      if (ts !== undefined && (oldest === undefined || compareTimestamps(ts, oldest) < 0)) oldest = ts;
    }
    return oldest;
  }

  /** Lines in the skip markers the cloud has acknowledged so far, by reason. */
  skipCounts(): SkipCounts {
    return this.skips.snapshot();
  }

  /** Lines dropped without a marker standing in for them (a conflict: the cloud's buffer holds other lines at their seqs). */
  get droppedWithoutMarker(): number {
    return this.droppedUnmarked;
  }

  stop(): void {
    for (const outbox of this.outboxes.values()) {
      clearTimeout(outbox.ackTimer);
      clearTimeout(outbox.retryTimer);
    }
  }

  private submit(outbox: Outbox, batch: LineBatch): void {
    const item = queued(outbox.seqShift === 0 ? batch : renumbered(batch, outbox.seqShift), false);
    outbox.queue.push(item);
    this.setQueuedBytes(outbox, outbox.bytes + item.bytes);
    this.pump(outbox);
  }

  private pump(outbox: Outbox): void {
    const head = outbox.queue[0];
    if (outbox.inFlight || outbox.retryTimer || !head || !this.options.channel.connected) return;
    const wire = head.wire.messages[outbox.part]!;
    if (!this.options.channel.send(wire.message, wire.json)) return;
    outbox.inFlight = true;
    outbox.refusedByGateway = false;
    outbox.ackTimer = setTimeout(() => this.onAckTimeout(outbox), this.ackTimeoutMs);
  }

  private onAckTimeout(outbox: Outbox): void {
    if (!outbox.inFlight || !outbox.queue[0]) return;
    outbox.inFlight = false;
    outbox.part = 0;
    this.failed(outbox, `no log.ack came within ${formatSeconds(this.ackTimeoutMs)}`);
  }

  /** The head's attempt failed for a reason that may pass: send it again after the backoff, unless it is crash-looping. */
  private failed(outbox: Outbox, why: string, countsTowardCrashLoop = true): void {
    const head = outbox.queue[0]!;
    if (countsTowardCrashLoop) this.countFailure(outbox);
    else outbox.retries += 1;
    if (countsTowardCrashLoop && this.crashLooping(outbox)) {
      this.giveUp(outbox, why);
      this.pump(outbox);
      return;
    }
    const delay = Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** Math.min(outbox.retries - 1, 30));
    // Once per streak doubling: a cloud that stays away for an hour does not fill the log.
    if ((outbox.retries & (outbox.retries - 1)) === 0) {
      const attempts = outbox.retries === 1 ? '' : ` (${outbox.retries} failed attempts so far)`;
      this.options.logger.warn(
        `Not delivered: ${describeLines(head.batch)} of container ${label(outbox)}: ${why}; sending them again in ${formatSeconds(delay)}${attempts}.`,
      );
    }
    outbox.retryTimer = setTimeout(() => {
      outbox.retryTimer = undefined;
      this.pump(outbox);
      this.forgetIfDone(outbox);
    }, delay);
  }

  private countFailure(outbox: Outbox): void {
    if (outbox.failures === 0) {
      outbox.failingSince = this.now();
      outbox.acksAtStreakStart = this.acks;
    }
    outbox.failures += 1;
    outbox.retries += 1;
  }

  private crashLooping(outbox: Outbox): boolean {
    return isCrashLooping(
      { failures: outbox.failures, failingForMs: this.now() - outbox.failingSince, othersTaken: this.acks > outbox.acksAtStreakStart },
      this.options.crashLoop,
    );
  }

  /** A batch the cloud keeps failing on: a marker takes its place (or, for a marker, nothing does). */
  private giveUp(outbox: Outbox, why: string): void {
    const minutes = Math.round((this.now() - outbox.failingSince) / 60_000);
    const what = `the cloud failed on them ${outbox.failures} times over ${minutes} min (last: ${why})`;
    if (outbox.queue[0]!.replacement) this.dropHead(outbox, what);
    else this.replaceHead(outbox, what, true);
  }

  /** The batch a give-up marker stands for is stored after all: drop the marker, and number what follows as before. */
  private withdrawMarker(outbox: Outbox, shift: number): void {
    const marker = outbox.queue[0]!.batch.lines[0]!;
    const first = marker.seq;
    const last = first + shift;
    this.options.logger.warn(
      `Withdrew the "refused" skip marker for ${first === last ? `line ${first}` : `lines ${first}–${last}`} of container ${label(outbox)}: the cloud holds them already (it stored them before failing).`,
    );
    const items = outbox.queue.map((item, i) => (i === 0 || shift === 0 ? item : queued(renumbered(item.batch, -shift), false)));
    outbox.queue.splice(0, outbox.queue.length, ...items);
    outbox.seqShift -= shift;
    this.setQueuedBytes(outbox, items.reduce((sum, item) => sum + item.bytes, 0));
    this.settleHead(outbox);
  }

  private dropHead(outbox: Outbox, why: string): void {
    const head = outbox.queue[0]!;
    const count = head.batch.lines.length;
    this.droppedUnmarked += head.replacement ? (head.batch.lines[0]?.skipped?.lines ?? 0) : count;
    this.options.logger.error(`Dropped ${describeLines(head.batch)} of container ${label(outbox)}: ${why}.`);
    this.settleHead(outbox);
  }

  /**
   * Puts a `refused` marker in the head batch's place, at its first seq, and renumbers what is
   * queued behind it (and what the follower sends from now on) to follow the marker.
   */
  private replaceHead(outbox: Outbox, why: string, mayBeStored = false): void {
    const head = outbox.queue[0]!;
    const lines = head.batch.lines;
    const first = lines[0]!;
    const last = lines[lines.length - 1]!;
    const marker: LogLine = { seq: first.seq, ...skipMarker({ reason: 'refused', ...skippedCount(lines), from: first.ts, to: last.ts }) };
    this.options.logger.error(
      `Replaced ${describeLines(head.batch)} of container ${label(outbox)} with a "refused" skip marker: ${why}.`,
    );
    const shift = lines.length - 1;
    outbox.part = 0;
    const items = outbox.queue.map((item, i) =>
      i === 0
        ? queued({ containerId: head.batch.containerId, epoch: head.batch.epoch, lines: [marker] }, true, mayBeStored ? shift : undefined)
        : shift === 0
          ? item
          : queued(renumbered(item.batch, shift), false),
    );
    outbox.queue.splice(0, outbox.queue.length, ...items);
    outbox.seqShift += shift;
    this.setQueuedBytes(outbox, items.reduce((sum, item) => sum + item.bytes, 0));
    this.endStreak(outbox);
  }

  private settleHead(outbox: Outbox): void {
    clearTimeout(outbox.ackTimer);
    clearTimeout(outbox.retryTimer);
    outbox.retryTimer = undefined;
    const settled = outbox.queue.shift();
    if (settled) this.setQueuedBytes(outbox, outbox.bytes - settled.bytes);
    outbox.inFlight = false;
    outbox.part = 0;
    outbox.refusedByGateway = false;
    this.endStreak(outbox);
    this.checkEmpty(outbox);
    this.forgetIfDone(outbox);
  }

  private endStreak(outbox: Outbox): void {
    outbox.retries = 0;
    outbox.failures = 0;
  }

  private setQueuedBytes(outbox: Outbox, bytes: number): void {
    const delta = bytes - outbox.bytes;
    outbox.bytes = bytes;
    this.budget.adjust(outbox.containerId, delta);
  }

  private forgetIfDone(outbox: Outbox): void {
    if (!outbox.released || outbox.queue.length > 0 || outbox.inFlight || outbox.retryTimer) return;
    clearTimeout(outbox.ackTimer);
    if (this.outboxes.get(outbox.containerId) !== outbox) return;
    this.outboxes.delete(outbox.containerId);
    this.budget.close(outbox.containerId);
  }

  /** Calls `listener` once the container may take more lines: room in the budget (or nothing queued) and a drained socket. */
  private onceDrained(outbox: Outbox, listener: () => void): () => void {
    let cancelled = false;
    let cancelWait: (() => void) | undefined;
    const step = (): void => {
      if (cancelled) return;
      cancelWait?.();
      cancelWait = undefined;
      if (outbox.queue.length > 0 && this.budget.isOver(outbox.containerId, true)) {
        const cancelBudgetWait = this.budget.onceUnder(outbox.containerId, step);
        outbox.emptyListeners.add(step);
        cancelWait = () => {
          cancelBudgetWait();
          outbox.emptyListeners.delete(step);
        };
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

  private checkEmpty(outbox: Outbox): void {
    if (outbox.queue.length > 0) return;
    for (const listener of [...outbox.emptyListeners]) listener();
    const idle = [...outbox.idleListeners];
    outbox.idleListeners.clear();
    for (const listener of idle) listener();
  }

  private outbox(containerId: string): Outbox {
    let outbox = this.outboxes.get(containerId);
    if (!outbox) {
      outbox = {
        containerId,
        queue: [],
        bytes: 0,
        pipelineBytes: 0,
        inFlight: false,
        part: 0,
        ackTimer: undefined,
        retryTimer: undefined,
        refusedByGateway: false,
        retries: 0,
        failures: 0,
        failingSince: 0,
        acksAtStreakStart: 0,
        seqShift: 0,
        containerRemoved: false,
        released: false,
        emptyListeners: new Set(),
        idleListeners: new Set(),
      };
      this.outboxes.set(containerId, outbox);
      this.budget.open(containerId);
    }
    return outbox;
  }
}

function queued(batch: LineBatch, replacement: boolean, shiftBehind?: number): QueuedBatch {
  const wire = batch.wire ?? packBatch(batch);
  return { batch, wire, bytes: heldBytesOf(batch, wire), replacement, ...(shiftBehind === undefined ? {} : { shiftBehind }) };
}

/** What holding a batch costs (counted against the memory bound): its packed messages, and its line objects with their texts. */
export function heldBytesOf(batch: LineBatch, wire = batch.wire ?? packBatch(batch)): number {
  let bytes = wire.heldBytes;
  for (const line of batch.lines) bytes += lineObjectBytes(line.text);
  return bytes;
}

/** The batch with its seqs moved down by `shift`: packed anew (its messages name other seqs). */
function renumbered(batch: LineBatch, shift: number): LineBatch {
  return { containerId: batch.containerId, epoch: batch.epoch, lines: batch.lines.map((line) => ({ ...line, seq: line.seq - shift })) };
}

/** How many lines a marker for these stands in for: each line, and what markers among them stood in for. */
function skippedCount(lines: readonly LogLine[]): { lines: number; atLeast?: true } {
  let count = 0;
  let atLeast = false;
  for (const line of lines) {
    if (!line.skipped) count += 1;
    else if (line.skipped.lines === undefined) atLeast = true;
    else {
      count += line.skipped.lines;
      if (line.skipped.atLeast) atLeast = true;
    }
  }
  return atLeast ? { lines: count, atLeast: true } : { lines: count };
}

function label(outbox: Outbox): string {
  return outbox.containerId.slice(0, 12);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

function describeLines(batch: LineBatch): string {
  const first = firstSeq(batch);
  const last = lastSeq(batch);
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}
