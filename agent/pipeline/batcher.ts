/**
 * Collects one container's numbered lines into batches (LineBatch), each packed once into its
 * `log.batch` message (agent/transport/wire-batch.ts).
 *
 * When a batch goes — latency first for a trickle, cost first for a flood (docs/architecture.md,
 * "When a batch goes"):
 *  - a line that finds nothing waiting for an ack goes `delayMs` (a few ms) after it came, with
 *    the lines of its burst;
 *  - while a batch of the container waits for its ack, lines gather: they go at the ack, as one
 *    batch (or a few full ones). The window is the round trip, so it grows with the rate: the
 *    more lines come per round trip, the fuller the batches.
 *  - a batch that is full goes at once: its packed message would pass MAX_BATCH_BYTES, or it holds
 *    MAX_BATCH_LINES lines, or its body would near MAX_BATCH_BODY_BYTES.
 *
 * Full is judged by bytes after compression, estimated: each line's size (its characters, counted
 * without looking at them: this runs for every line) times the ratio of compressed bytes to those
 * sizes that this container's last batches had (an EWMA, so it absorbs how far characters are from
 * bytes for this container's text; the first batch
 * of a stream closes at a guess of 1:2, then the first measured ratio replaces it). The batch is
 * then packed for real; if its message still passes the bound it is split in halves, each packed
 * again. Only a batch of ONE line that does not fit goes in parts; a line whose compressed body
 * would not fit even in MAX_BATCH_PARTS parts (text that compresses badly, such as control
 * characters, which JSON writes six bytes each) is cut further, flagged with its original size.
 */
import {
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_LINES,
  MAX_BATCH_PARTS,
  MAX_PACKED_BYTES,
  byteLength,
  encode,
  type LogLine,
} from '../../protocol';
import { lineObjectBytes } from '../transport/memory-budget';
import { packBatch, type WireBatch } from '../transport/wire-batch';
import { fitLine, serializedLineBytes } from './fit-line';
import type { LineBatch } from './line-batch';

export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LogBatcherOptions {
  readonly containerId: string;
  /** The stream's epoch (from its log.stream.start), carried on every batch. */
  readonly epoch: number;
  readonly send: (batch: LineBatch) => void;
  /** How long a line that finds nothing in flight waits for company. */
  readonly delayMs?: number;
  readonly maxBatchBytes?: number;
  readonly maxBatchLines?: number;
  readonly timers?: BatcherTimers;
  /** The clock a flood's window is measured by. Default Date.now. */
  readonly now?: () => number;
  /** Whether the container has no batch waiting for its ack. Default: always (each batch goes after `delayMs`). */
  readonly idle?: () => boolean;
  /** Calls `listener` once when the container has no batch waiting for its ack; returns a cancel. */
  readonly onceIdle?: (listener: () => void) => () => void;
  /** Whether what is batched must go now for the memory bound (asked every TIGHT_CHECK_BYTES of lines): delivery says when its queue cannot pause the stream. */
  readonly tight?: () => boolean;
}

export const DEFAULT_BATCH_DELAY_MS = 5;

/**
 * A flood's window: a flood's batch not full when it could go (its linger over, or the ack of the
 * batch ahead) waits until it is full or its first line is this old. Without it the batch is
 * whatever came in one round trip — short when the cloud answers fast — and each batch costs an
 * invocation, a stored item or object and its messages (docs/cost.md), whether its lines are many
 * short ones or a few long ones. A quarter second fills a batch at ~1.3 MB/s (50 ms let a steady
 * 1.1 MB/s stream cost $0.13 per GB with one viewer; 250 ms, $0.045), and a flood is unreadable as
 * it scrolls: its latency is the price of its cost. A trickle still goes at once.
 *
 * A batch is a flood's when it gathered FLOOD_LINES or FLOOD_BYTES behind a batch in flight, or when its lines
 * come at FLOOD_BYTES_PER_MS and so did the batch before, which went less than a window ago: with
 * a fast cloud the lines gathered in one round trip are few however fast they come. The rate
 * counts the time since the batch before went, so bursts with quiet spells between them (20 lines
 * every 100 ms) are no flood, nor a burst (a stack trace) or one long line after a quiet spell:
 * each goes 5 ms after its first line.
 */
export const FLOOD_WINDOW_MS = 250;
const FLOOD_LINES = 100;
/** In sizeOf (text characters): 100 lines of 160. */
const FLOOD_BYTES = 16 * 1024;
/** 128 KB/s of text (in sizeOf per ms): some 800 lines a second. */
const FLOOD_BYTES_PER_MS = 128 * 1.024;

/**
 * A batch closes when its estimated message reaches this share of the bound: room for the
 * estimate's error (on realistic logs its messages land within 2–3 % of the estimate; one that
 * passes the bound is split in halves, which costs a batch) and for the `agentId` its broadcast
 * adds. Every 32 KB started is a billed unit, so what a message leaves empty of its 3 is paid for:
 * 0.96 sends 7 % fewer batches per GB than 0.9 did.
 */
const FILL = 0.96;
/** The ratio assumed before any batch was measured: plain log text compresses to well under half. */
const INITIAL_RATIO = 0.5;
/** What a line adds to the packed body beside its text, roughly: its timestamp delta, quotes and commas, its stream. */
const LINE_OVERHEAD = 16;
/** A skip marker's `skipped` entry, roughly. */
const MARKER_BYTES = 160;
/** The weight of the newest batch in the learned ratio (the first measured one takes the place of the assumed one). */
const RATIO_WEIGHT = 0.5;
/** Batches smaller than this (in sizeOf) say little about the ratio of a full one: not learned from. */
const LEARN_FROM_BYTES = 16 * 1024;
/**
 * How often (in sizeOf added: text characters, about bytes) a batch being gathered asks whether
 * memory is tight: lines held here are not in delivery's queue, and only a queue's acks wake a
 * stream paused for memory. Counted in bytes, not lines, so the overshoot past the bound is at
 * most this much whatever the lines' length; asking costs a lookup, the close it may cause a round trip.
 */
const TIGHT_CHECK_BYTES = 8 * 1024;
/** base64: 4 characters for 3 bytes. */
const BASE64 = 4 / 3;

const globalTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LogBatcher {
  private lines: LogLine[] = [];
  /** sizeOf each line in `lines`. */
  private sizes: number[] = [];
  private sizeTotal = 0;
  /** What the line objects in `lines` cost to hold: counted as each joins, released as its batch goes. */
  private objectBytes = 0;
  /** sizeTotal at which the batch being gathered next asks whether memory is tight. */
  private nextTightCheck = TIGHT_CHECK_BYTES;
  private timer: unknown;
  private cancelIdleWait: (() => void) | undefined;
  /** Compressed bytes per unit of sizeOf, learned from this container's batches. */
  private ratio = INITIAL_RATIO;
  /** Packed body bytes per unit of sizeOf (above 1 for text of multibyte or escaped characters), learned likewise. */
  private bodyRatio = 1;
  private learned = false;
  private readonly envelopeBytes: number;
  private readonly delayMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxBatchLines: number;
  private readonly timers: BatcherTimers;
  private readonly now: () => number;
  /** When the first line of the batch being gathered came. */
  private firstAt = 0;
  /** When the last batch went, and how fast its lines had come (sizeOf per ms, rateSinceFirst). */
  private lastClosedAt = Number.NEGATIVE_INFINITY;
  private lastRate = 0;

  constructor(private readonly options: LogBatcherOptions) {
    this.delayMs = options.delayMs ?? DEFAULT_BATCH_DELAY_MS;
    this.maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.maxBatchLines = Math.min(options.maxBatchLines ?? MAX_BATCH_LINES, MAX_BATCH_LINES);
    this.timers = options.timers ?? globalTimers;
    this.now = options.now ?? Date.now;
    this.envelopeBytes = byteLength(
      encode({ action: 'log.batch', containerId: options.containerId, epoch: options.epoch, firstSeq: Number.MAX_SAFE_INTEGER, lastSeq: Number.MAX_SAFE_INTEGER, data: '' }),
    );
  }

  /** Lines must arrive in seq order; they leave in the same order. */
  add(line: LogLine): void {
    const size = sizeOf(line);
    if (this.lines.length > 0 && this.isFullWith(size)) this.close();
    if (this.lines.length === 0) this.firstAt = this.now();
    this.lines.push(line);
    this.sizes.push(size);
    this.sizeTotal += size;
    this.objectBytes += lineObjectBytes(line.text);
    if (this.lines.length >= this.maxBatchLines || this.isTight()) this.close();
    else if (this.timer === undefined && this.cancelIdleWait === undefined) this.timer = this.timers.setTimeout(() => this.lingered(), this.delayMs);
  }

  /** Sends what is collected now (nothing when empty), whether or not a batch is in flight. */
  flush(): void {
    this.cancelWaits();
    this.close();
  }

  /** What the batch being collected will cost once packed: its estimated message. */
  get pendingBytes(): number {
    return this.lines.length === 0 ? 0 : this.estimatedMessageBytes(this.sizeTotal);
  }

  /**
   * What the line objects of the batch being collected cost to hold (memory-budget.ts's
   * lineObjectBytes: their texts and the object around each). A line counts from its add on, in
   * whichever batch it joins — also when its add closed the full batch before it — and stops
   * counting as its batch goes, before the batch is sent.
   */
  get pendingObjectBytes(): number {
    return this.objectBytes;
  }

  /** Compressed bytes per character of text (and per line's overhead), as learned so far. */
  get compressionRatio(): number {
    return this.ratio;
  }

  private lingered(): void {
    this.timer = undefined;
    if (this.options.idle?.() ?? true) {
      this.goOrFillUp(false);
      return;
    }
    // A batch is in flight: gather until its ack, then go as one.
    const onceIdle = this.options.onceIdle;
    if (!onceIdle) return this.goOrFillUp(true);
    this.cancelIdleWait = onceIdle(() => {
      this.cancelIdleWait = undefined;
      this.goOrFillUp(true);
    });
  }

  /**
   * Goes now — unless a flood's batch, not full yet, may wait out its window to fill up. Many lines
   * or bytes make a flood only when they gathered behind a batch in flight (`gathered`): a long
   * line or a burst that found nothing in flight is a trickle's, and goes.
   */
  private goOrFillUp(gathered: boolean): void {
    const now = this.now();
    const waited = now - this.firstAt;
    const flood =
      (gathered && (this.lines.length >= FLOOD_LINES || this.sizeTotal >= FLOOD_BYTES)) ||
      (now - this.lastClosedAt < FLOOD_WINDOW_MS && this.lastRate >= FLOOD_BYTES_PER_MS && this.rateSinceFirst(now) >= FLOOD_BYTES_PER_MS);
    if (flood && waited < FLOOD_WINDOW_MS) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.close();
      }, FLOOD_WINDOW_MS - waited);
      return;
    }
    this.close();
  }

  private isFullWith(size: number): boolean {
    const total = this.sizeTotal + size;
    return this.estimatedMessageBytes(total) > FILL * this.maxBatchBytes || total * this.bodyRatio > FILL * MAX_BATCH_BODY_BYTES;
  }

  private estimatedMessageBytes(sizeTotal: number): number {
    return this.envelopeBytes + Math.ceil(sizeTotal * this.ratio * BASE64);
  }

  private cancelWaits(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.cancelIdleWait?.();
    this.cancelIdleWait = undefined;
  }

  /**
   * How fast the lines of the batch being gathered came: sizeOf per ms since the batch before it
   * went (quiet spells between bursts count), or since its first line after a long quiet.
   */
  private rateSinceFirst(now: number): number {
    const since = now - this.lastClosedAt < FLOOD_WINDOW_MS ? this.lastClosedAt : this.firstAt;
    return this.sizeTotal / Math.max(1, now - since);
  }

  private isTight(): boolean {
    if (this.sizeTotal < this.nextTightCheck) return false;
    this.nextTightCheck = this.sizeTotal + TIGHT_CHECK_BYTES;
    return this.options.tight?.() ?? false;
  }

  private close(): void {
    this.cancelWaits();
    if (this.lines.length === 0) return;
    const now = this.now();
    this.lastRate = this.rateSinceFirst(now);
    this.lastClosedAt = now;
    const lines = this.lines;
    const sizes = this.sizes;
    this.lines = [];
    this.sizes = [];
    this.sizeTotal = 0;
    this.objectBytes = 0;
    this.nextTightCheck = TIGHT_CHECK_BYTES;
    this.emit(lines, sizes);
  }

  /** Packs `lines` and sends them: in halves when their message would not fit, in parts when one line does not. */
  private emit(lines: LogLine[], sizes: number[]): void {
    const batch = { containerId: this.options.containerId, epoch: this.options.epoch, lines };
    const wire = packBatch(batch, this.maxBatchBytes);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    if (total >= LEARN_FROM_BYTES || wire.messages.length > 1) this.learn(total, wire);
    const whole = wire.messages.length === 1 && wire.bodyBytes <= MAX_BATCH_BODY_BYTES;
    if (!whole && lines.length > 1) {
      const half = Math.ceil(lines.length / 2);
      this.emit(lines.slice(0, half), sizes.slice(0, half));
      this.emit(lines.slice(half), sizes.slice(half));
      return;
    }
    if (lines.length === 1 && !fitsInParts(wire)) {
      this.emit([this.cutToFit(lines[0]!, wire)], [0]);
      return;
    }
    this.options.send({ ...batch, wire });
  }

  private learn(sizeTotal: number, wire: WireBatch): void {
    if (sizeTotal <= 0) return;
    const sample = wire.compressedBytes / sizeTotal;
    const bodySample = wire.bodyBytes / sizeTotal;
    this.ratio = this.learned ? (1 - RATIO_WEIGHT) * this.ratio + RATIO_WEIGHT * sample : sample;
    this.bodyRatio = this.learned ? (1 - RATIO_WEIGHT) * this.bodyRatio + RATIO_WEIGHT * bodySample : bodySample;
    this.learned = true;
  }

  /** The line cut so that its compressed body fits the parts, judged by how this one compressed. */
  private cutToFit(line: LogLine, wire: WireBatch): LogLine {
    const size = serializedLineBytes(line);
    const share = Math.min(MAX_PACKED_BYTES / wire.compressedBytes, (MAX_BATCH_PARTS * 0.95 * this.maxBatchBytes) / (wire.compressedBytes * BASE64), MAX_BATCH_BODY_BYTES / wire.bodyBytes);
    return fitLine(line, Math.floor(size * share * 0.9)).line;
  }
}

/** A line's size for the estimate: characters, not bytes (the learned ratio makes up the difference). */
function sizeOf(line: LogLine): number {
  return line.text.length + LINE_OVERHEAD + (line.skipped ? MARKER_BYTES : 0);
}

function fitsInParts(wire: WireBatch): boolean {
  return wire.messages.length <= MAX_BATCH_PARTS && wire.compressedBytes <= MAX_PACKED_BYTES && wire.bodyBytes <= MAX_BATCH_BODY_BYTES;
}
