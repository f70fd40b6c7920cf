/**
 * The client-side lines of one container: pure logic, no Solid, no DOM (tested in node).
 *
 * Lines carry a per-container `seq` that only grows, so merging is by seq alone:
 *   - a line with seq <= the last seen seq is a duplicate (history overlapping live lines, or a
 *     re-sent batch after a reconnect) and is dropped;
 *   - a line with seq > last + 1 means lines went missing; a visible gap row records which;
 *   - while a subscription's history is still arriving, live batches are held back and merged
 *     after the last history message, so a live batch that overtakes history cannot push the
 *     "last seen" seq past lines history is about to deliver;
 *   - a history marked `reset` (the numbering started over) first empties the buffer.
 * The buffer keeps at most `capacity` rows and drops the oldest beyond that.
 */
import type { LogLine, LogStream } from '../../../protocol';
import { stripAnsi } from '../format/ansi';

export const DEFAULT_CAPACITY = 50_000;

export interface LineRow {
  readonly kind: 'line';
  /** Stable across appends and trims: the virtual list anchors the reader's position by it. */
  readonly key: string;
  readonly seq: number;
  readonly ts: string;
  readonly stream: LogStream;
  /** As received, ANSI escapes included. */
  readonly text: string;
  /** The text without ANSI escapes, lowercased once here: what the filter searches. */
  readonly searchText: string;
  readonly truncated: boolean;
}

export interface GapRow {
  readonly kind: 'gap';
  readonly key: string;
  /** The first and last missing seq, inclusive. */
  readonly fromSeq: number;
  readonly toSeq: number;
}

export type LogRow = LineRow | GapRow;

export interface AppendOutcome {
  /** Lines that became rows. */
  readonly added: number;
  /** Lines dropped because their seq was already seen. */
  readonly duplicates: number;
  /** Gap rows inserted. */
  readonly gaps: number;
  /** Lines held back until history completes. */
  readonly held: number;
}

const NOTHING: AppendOutcome = { added: 0, duplicates: 0, gaps: 0, held: 0 };

export class LineBuffer {
  readonly capacity: number;
  // Rows live in #store from index #head on; trimming moves #head instead of shifting the
  // array, and the dead prefix is compacted away once it is as long as the capacity.
  #store: LogRow[] = [];
  #head = 0;
  #snapshot: readonly LogRow[] | undefined = [];
  #lineCount = 0;
  #lastSeq: number | undefined;
  #trimmed = 0;
  #loadingHistory = false;
  #held: LogLine[] = [];

  constructor(options: { capacity?: number } = {}) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${this.capacity}`);
    }
  }

  /** Oldest first. A new array after every change (made on first read), the same one otherwise. */
  get rows(): readonly LogRow[] {
    this.#snapshot ??= this.#store.slice(this.#head);
    return this.#snapshot;
  }

  /** Line rows held (gap rows not counted). */
  get lineCount(): number {
    return this.#lineCount;
  }

  /** The highest seq seen: the `afterSeq` to resume from. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Rows dropped from the front because of the capacity. */
  get trimmed(): number {
    return this.#trimmed;
  }

  get loadingHistory(): boolean {
    return this.#loadingHistory;
  }

  /** A subscription was (re)sent: hold live lines until its history is complete. */
  beginHistory(): void {
    this.#loadingHistory = true;
  }

  /**
   * The container's numbering started over (a `log.history` marked `reset`): forget every row and
   * the last seen seq, so the new, smaller seqs are neither duplicates nor a gap. Held live lines
   * stay held: they arrived for the new subscription, so they already carry the new numbering.
   */
  reset(): void {
    this.#store = [];
    this.#head = 0;
    this.#snapshot = undefined;
    this.#lineCount = 0;
    this.#lastSeq = undefined;
    this.#trimmed = 0;
  }

  /** One `log.history` message. The last one (done) releases the held live lines. */
  addHistory(lines: readonly LogLine[], done: boolean): AppendOutcome {
    const outcome = this.#merge(lines);
    if (!done) return outcome;
    return sum(outcome, this.endHistory());
  }

  /** Stops waiting for history (it completed, or the subscription failed) and merges held lines. */
  endHistory(): AppendOutcome {
    this.#loadingHistory = false;
    const held = this.#held;
    this.#held = [];
    return held.length === 0 ? NOTHING : this.#merge(held);
  }

  /** One live `log.batch`. */
  addLive(lines: readonly LogLine[]): AppendOutcome {
    if (this.#loadingHistory) {
      this.#held.push(...lines);
      // Held lines are bounded like rows: the oldest would be trimmed after merging anyway.
      if (this.#held.length > this.capacity) this.#held.splice(0, this.#held.length - this.capacity);
      return { ...NOTHING, held: lines.length };
    }
    return this.#merge(lines);
  }

  #merge(lines: readonly LogLine[]): AppendOutcome {
    let added = 0;
    let duplicates = 0;
    let gaps = 0;
    for (const line of lines) {
      const last = this.#lastSeq;
      if (last !== undefined && line.seq <= last) {
        duplicates += 1;
        continue;
      }
      if (last !== undefined && line.seq > last + 1) {
        this.#store.push({ kind: 'gap', key: `gap:${last + 1}`, fromSeq: last + 1, toSeq: line.seq - 1 });
        gaps += 1;
      }
      this.#store.push(toRow(line));
      this.#lastSeq = line.seq;
      added += 1;
    }
    if (added === 0) return { ...NOTHING, duplicates };

    this.#lineCount += added;
    this.#snapshot = undefined;
    this.#trim();
    return { added, duplicates, gaps, held: 0 };
  }

  #trim(): void {
    const overflow = this.#store.length - this.#head - this.capacity;
    if (overflow <= 0) return;
    for (let i = this.#head; i < this.#head + overflow; i += 1) {
      if (this.#store[i]!.kind === 'line') this.#lineCount -= 1;
    }
    this.#head += overflow;
    this.#trimmed += overflow;
    if (this.#head >= this.capacity) {
      this.#store = this.#store.slice(this.#head);
      this.#head = 0;
    }
  }
}

function toRow(line: LogLine): LineRow {
  return {
    kind: 'line',
    key: `line:${line.seq}`,
    seq: line.seq,
    ts: line.ts,
    stream: line.stream,
    text: line.text,
    searchText: stripAnsi(line.text).toLowerCase(),
    truncated: line.truncated === true,
  };
}

function sum(a: AppendOutcome, b: AppendOutcome): AppendOutcome {
  return {
    added: a.added + b.added,
    duplicates: a.duplicates + b.duplicates,
    gaps: a.gaps + b.gaps,
    held: a.held + b.held,
  };
}
