/**
 * Collects one container's numbered lines into `log.batch` messages.
 *
 * A batch is sent when the next line would take its serialized JSON past MAX_BATCH_BYTES, when it
 * holds MAX_BATCH_LINES lines, or `delayMs` after its first line — whichever comes first. The size
 * is tracked exactly (the envelope plus each line's JSON plus the commas between them), so every
 * message is at most MAX_BATCH_BYTES (hence below MAX_MESSAGE_BYTES) by construction: a line that
 * could not fit even alone is cut first (see fit-line.ts).
 */
import { MAX_BATCH_BYTES, MAX_BATCH_LINES, byteLength, encode, type AgentLogBatch, type LogLine } from '../../protocol';
import { fitLine } from './fit-line';

export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LogBatcherOptions {
  readonly containerId: string;
  /** The stream's epoch (from its log.stream.start), carried on every batch. */
  readonly epoch: number;
  readonly send: (batch: AgentLogBatch) => void;
  /** How long the first line of a batch may wait for company. */
  readonly delayMs?: number;
  readonly maxBatchBytes?: number;
  readonly maxBatchLines?: number;
  readonly timers?: BatcherTimers;
}

export const DEFAULT_BATCH_DELAY_MS = 50;

const globalTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LogBatcher {
  private lines: LogLine[] = [];
  private bytes: number;
  private timer: unknown;
  private readonly envelopeBytes: number;
  private readonly delayMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxBatchLines: number;
  private readonly timers: BatcherTimers;

  constructor(private readonly options: LogBatcherOptions) {
    this.delayMs = options.delayMs ?? DEFAULT_BATCH_DELAY_MS;
    this.maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.maxBatchLines = options.maxBatchLines ?? MAX_BATCH_LINES;
    this.timers = options.timers ?? globalTimers;
    this.envelopeBytes = byteLength(encode(this.message([])));
    this.bytes = this.envelopeBytes;
  }

  /** Lines must arrive in seq order; they leave in the same order. */
  add(line: LogLine): void {
    const { line: fitted, bytes: lineBytes } = fitLine(line, this.maxBatchBytes - this.envelopeBytes);
    // The comma before a line that is not the first.
    if (this.lines.length > 0 && this.bytes + 1 + lineBytes > this.maxBatchBytes) this.flush();
    this.bytes += (this.lines.length > 0 ? 1 : 0) + lineBytes;
    this.lines.push(fitted);
    if (this.lines.length >= this.maxBatchLines) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.delayMs);
    }
  }

  /** Sends what is collected now (nothing when empty). */
  flush(): void {
    this.cancelTimer();
    if (this.lines.length === 0) return;
    const batch = this.message(this.lines);
    this.lines = [];
    this.bytes = this.envelopeBytes;
    this.options.send(batch);
  }

  /** The serialized size of the batch being collected, as `encode` will produce it. */
  get pendingBytes(): number {
    return this.bytes;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private message(lines: LogLine[]): AgentLogBatch {
    return { action: 'log.batch', containerId: this.options.containerId, epoch: this.options.epoch, lines };
  }
}
