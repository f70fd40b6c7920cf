/**
 * One bound on the bytes of log lines the agent holds, across all the containers it follows.
 *
 * Each followed container is an account: its unacknowledged batches (their JSON, as sent) plus
 * what its follow pipeline holds (the batch being collected, a line being joined from 16 KB
 * pieces, the bytes its paused Docker stream buffered). Nothing else grows with log volume.
 * When a container should hold no more, its follower pauses its Docker stream: dockerd stops
 * reading for it, and the container's own log file (json-file, local) is the spool meanwhile.
 *
 * Fair: one chatty container must not starve the others. Until the agent holds half its bound
 * anyone may grow; beyond half, only containers below their fair share (the bound divided by
 * the containers followed) may; at the bound, nobody. So a chatty container takes at most about
 * half, and the quiet ones always find room for their share. Paused containers resume at three
 * quarters of those thresholds, so that one ack does not flip a stream between paused and flowing.
 *
 * Followers check before each 8 KiB slice of Docker's stream, and streams pause a margin short of
 * the bound, so what the last slice adds stays within it: the bound holds.
 */

export interface MemoryBudgetOptions {
  readonly maxBytes: number;
  /**
   * Streams pause this far short of the bound: room for what one slice of Docker's stream adds
   * once framed and batched (log-follower.ts reads 8 KiB between checks; short lines cost up to
   * five times their bytes to hold, and a slice may complete a 16 KB line). Default
   * DEFAULT_MARGIN_BYTES, at most half the bound.
   */
  readonly marginBytes?: number;
}

export const DEFAULT_MARGIN_BYTES = 96 * 1024;

/**
 * What a log line object costs beside its text: the object with its fields and its timestamp
 * string (V8: a ~60-byte object, a ~50-byte string). An estimate; strings are counted exactly.
 */
export const LINE_OBJECT_BYTES = 120;

/** Bytes of a string as V8 stores it: one per character when all are Latin-1 (counted as ASCII here), else two. */
export function stringBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8') === text.length ? text.length : 2 * text.length;
}

/** What holding one line object costs (its JSON, where there is one, is counted apart). */
export function lineObjectBytes(text: string): number {
  return stringBytes(text) + LINE_OBJECT_BYTES;
}

/** SIDETAIL_MAX_BUFFER_BYTES' default: room for minutes of a busy host's lines during an outage. */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

const RESUME_SCALE = 0.75;

export class MemoryBudget {
  readonly maxBytes: number;
  /** The bound less the margin: what the pause rules are applied to. */
  private readonly limit: number;
  private readonly usage = new Map<string, number>();
  private total = 0;
  private peak = 0;
  private readonly waiters = new Map<() => void, string>();

  constructor(options: MemoryBudgetOptions) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) {
      throw new RangeError(`the memory bound must be a positive number of bytes; got ${options.maxBytes}`);
    }
    this.maxBytes = options.maxBytes;
    this.limit = options.maxBytes - Math.min(options.marginBytes ?? DEFAULT_MARGIN_BYTES, Math.floor(options.maxBytes / 2));
  }

  /** Bytes held across every account now. */
  get heldBytes(): number {
    return this.total;
  }

  /** The most bytes held at any moment since the budget was made. */
  get peakBytes(): number {
    return this.peak;
  }

  /** A container is followed: it counts toward the fair share from now on. */
  open(key: string): void {
    if (!this.usage.has(key)) this.usage.set(key, 0);
  }

  /** Changes an account's bytes by `delta` (negative frees). */
  adjust(key: string, delta: number): void {
    if (delta === 0) return;
    const before = this.usage.get(key) ?? 0;
    this.usage.set(key, before + delta);
    this.total += delta;
    if (this.total > this.peak) this.peak = this.total;
    if (delta < 0) this.wake();
  }

  /** The container is no longer followed and holds nothing: its share goes to the others. */
  close(key: string): void {
    const held = this.usage.get(key);
    if (held === undefined) return;
    this.total -= held;
    this.usage.delete(key);
    this.wake();
  }

  bytesOf(key: string): number {
    return this.usage.get(key) ?? 0;
  }

  /**
   * Whether the container should hold no more (pause its stream); `resuming`: whether a paused
   * one should stay paused (the lower thresholds).
   */
  isOver(key: string, resuming = false): boolean {
    return this.over(key, resuming ? RESUME_SCALE : 1);
  }

  /** Calls `listener` once when the container may take more again; the returned function cancels that. */
  onceUnder(key: string, listener: () => void): () => void {
    if (!this.over(key, RESUME_SCALE)) {
      queueMicrotask(listener);
      return () => {};
    }
    this.waiters.set(listener, key);
    return () => this.waiters.delete(listener);
  }

  private over(key: string, scale: number): boolean {
    const limit = this.limit * scale;
    if (this.total >= limit) return true;
    if (this.total < limit / 2) return false;
    const share = this.limit / Math.max(1, this.usage.size);
    return this.bytesOf(key) > share * scale;
  }

  private wake(): void {
    for (const [listener, key] of [...this.waiters]) {
      if (this.over(key, RESUME_SCALE)) continue;
      this.waiters.delete(listener);
      listener();
    }
  }
}
