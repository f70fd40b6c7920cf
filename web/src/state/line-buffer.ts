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
 *   - a history marked `reset` (the numbering started over) first empties the buffer;
 *   - seqs are comparable only within one epoch (docs/protocol.md): lines of a newer epoch than
 *     the one held mean the numbering restarted — the rows are dropped and a restart marker
 *     shown (`restart`); lines of an older epoch are stale and dropped;
 *   - a skip marker (a line with `skipped`) becomes a `skipped` row in its place, numbered like
 *     a line but not counted as one;
 *   - a gap is first `fetching` (the store asks the cloud's buffer for the range, log.fetch) and
 *     is filled in place by what comes back (`fillGap`); what the buffer no longer has stays as
 *     a `missing` gap;
 *   - a batch that arrived but could not be read (`lost`: it inflated past the bound, was
 *     invalid, or its parts never all came) is a gap over its seqs, fetched like any other;
 *   - older lines, loaded by scrolling back (`prependOlder`), go before the oldest row held.
 * The buffer keeps at most `capacity` rows and drops the oldest beyond that.
 */
import type { LogLine, LogStream, SkippedLines } from '../../../protocol';
import { stripAnsi } from '../format/ansi';
import { detectLevel, type LogLevel } from '../format/log-level';

/** The per-view cap (issue 11): beyond it the oldest rows are dropped, and the view says how many (LogView's `dropped`). */
export const DEFAULT_CAPACITY = 100_000;

export interface LineRow {
  readonly kind: 'line';
  /**
   * Stable across appends and trims: the virtual list anchors the reader's position by it. Unique
   * across numberings too (seqs repeat after a restart): `line:<seq>`, then `line:<seq>@<n>` in the
   * buffer's n-th numbering since (see LineBuffer.reset; a container's buffer made after its
   * release numbers on from the released one's).
   */
  readonly key: string;
  readonly seq: number;
  readonly ts: string;
  readonly stream: LogStream;
  /** As received, ANSI escapes included. */
  readonly text: string;
  /** The text without ANSI escapes (the same string when it has none): what a case-sensitive or regex filter tests. */
  readonly plain: string;
  /** `plain` lowercased once here: what a case-insensitive substring filter searches. */
  readonly searchText: string;
  /** Read once here from the line's shape (format/log-level.ts); undefined when none could be read. Always set, so every row has one shape. */
  readonly level: LogLevel | undefined;
  readonly truncated: boolean;
  /** On a cut line: the whole line's UTF-8 size, when the agent said. */
  readonly originalBytes?: number;
}

export interface GapRow {
  readonly kind: 'gap';
  readonly key: string;
  /** The first and last missing seq, inclusive. */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** `fetching` while the range is asked of the cloud's buffer; `missing` once it is known to be gone. */
  readonly state: 'fetching' | 'missing';
}

/**
 * A skip marker from the agent (a line with `skipped`): lines it could not deliver, counted. It
 * has its own seq, so it merges like a line; it is not counted as one (`lineCount`).
 */
export interface SkipRow {
  readonly kind: 'skipped';
  readonly key: string;
  readonly seq: number;
  readonly ts: string;
  readonly skipped: SkippedLines;
  /** The agent's own wording, for the tooltip. */
  readonly text: string;
}

/** Where the container's numbering restarted (a new epoch, or a reset history): what was held before is dropped. */
export interface RestartRow {
  readonly kind: 'restart';
  readonly key: string;
  /** `reset`: a history said the numbering started over; `epoch`: lines of a newer epoch arrived. */
  readonly reason?: 'reset' | 'epoch';
}

/**
 * Something that happened around the lines, not in them: the dashboard's connection came back
 * (`reconnected`; the lines after it are those it missed, then live ones), or the container's
 * state changed (`container`: started, stopped, restarting…, as the agent reported it). A
 * container's change is placed by time among the lines (those arriving after it but written
 * before it go above it); a reconnect stays where it happened.
 */
export interface NoticeRow {
  readonly kind: 'notice';
  readonly key: string;
  readonly notice: 'reconnected' | 'container';
  /** When, in epoch ms (the dashboard's clock for a reconnect, the agent's for a container change). */
  readonly at: number;
  /** A container change: Docker's state word and status ("exited", "Exited (137) 1 second ago"). */
  readonly state?: string;
  readonly status?: string;
}

export type LogRow = LineRow | GapRow | RestartRow | SkipRow | NoticeRow;

/** The seqs of a gap, inclusive. */
export interface GapRange {
  readonly fromSeq: number;
  readonly toSeq: number;
}

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
  #held: { lines: readonly LogLine[]; lost: readonly GapRange[]; epoch: number | undefined }[] = [];
  #heldCount = 0;
  #epoch: number | undefined;
  #newGaps: GapRange[] = [];
  /** Spans a fetch answer brought but could not read, already asked for again once (`${from}-${to}`). */
  #lostRetried = new Set<string>();
  #restarts = 0;
  /** How often the numbering started over: line and gap keys carry it (`@n`), so no key of the rows dropped comes back. */
  #numbering = 0;
  #keyTag = '';
  #notices = 0;
  #rewrites = 0;

  /**
   * `numberingAfter`: the numbering a released buffer of the same container had reached — this one
   * starts a new one after it, so no key of the rows shown before comes back (a view may still
   * hold one: an opened JSON line).
   */
  constructor(options: { capacity?: number; numberingAfter?: number } = {}) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${this.capacity}`);
    }
    if (options.numberingAfter !== undefined) {
      this.#numbering = options.numberingAfter + 1;
      this.#keyTag = `@${this.#numbering}`;
    }
  }

  /** Which numbering the rows are of: it moves on at every restart (see reset), never back. */
  get numbering(): number {
    return this.#numbering;
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

  /** The lowest seq held (a gap row's first seq included): the scroll-back asks for the seqs before it. */
  get oldestSeq(): number | undefined {
    for (let i = this.#head; i < this.#store.length; i += 1) {
      const row = this.#store[i]!;
      if (row.kind === 'gap') return row.fromSeq;
      if (row.kind === 'line' || row.kind === 'skipped') return row.seq;
    }
    return undefined;
  }

  /** Rows that can still be added before the capacity trims the oldest. */
  get room(): number {
    return Math.max(0, this.capacity - (this.#store.length - this.#head));
  }

  /**
   * Counts the changes that were not appends at the end or trims at the front (a gap filled, a
   * row placed among others, the rows dropped): a view that derived something from the rows may
   * update it from the new rows alone while this stays the same (state/row-filter.ts).
   */
  get rewrites(): number {
    return this.#rewrites;
  }

  get loadingHistory(): boolean {
    return this.#loadingHistory;
  }

  /** The numbering the held seqs belong to (undefined until a message named one). */
  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** Gaps created since the last call: the ranges to fetch from the cloud's buffer. */
  takeNewGaps(): GapRange[] {
    const gaps = this.#newGaps;
    this.#newGaps = [];
    return gaps;
  }

  /** Gap rows still waiting for their fetch (to ask again after a reconnect). */
  fetchingGaps(): GapRange[] {
    const gaps: GapRange[] = [];
    for (let i = this.#head; i < this.#store.length; i += 1) {
      const row = this.#store[i]!;
      if (row.kind === 'gap' && row.state === 'fetching') gaps.push({ fromSeq: row.fromSeq, toSeq: row.toSeq });
    }
    return gaps;
  }

  /**
   * The numbering started over (a new epoch, or a history marked `reset`): drop every row, and
   * when anything was held, leave a marker saying so. `epoch` is the new numbering, when known.
   */
  restart(epoch?: number, reason: RestartRow['reason'] = 'epoch'): void {
    const held = this.#lineCount > 0 || this.#lastSeq !== undefined;
    this.reset();
    this.#epoch = epoch;
    if (held) {
      this.#restarts += 1;
      this.#store.push({ kind: 'restart', key: `restart:${this.#restarts}${this.#keyTag}`, reason });
    }
  }

  /**
   * Adds a notice row (see NoticeRow). Nothing is noted in a buffer that holds nothing: there is
   * no place among lines to mark. A container's change is reported a moment after it happened
   * (the agent's listing follows Docker's event), so:
   *   - a stop (any state but running) goes above the newest lines written after it;
   *   - a start goes right below the stop before it, when every line since that stop is the new
   *     run's (a container writes nothing while stopped); without one, by time like a stop.
   */
  addNotice(notice: Omit<NoticeRow, 'kind' | 'key'>): void {
    if (this.#store.length === this.#head) return;
    this.#notices += 1;
    const row: NoticeRow = { kind: 'notice', key: `notice:${this.#notices}${this.#keyTag}`, ...notice };
    let at = this.#store.length;
    if (row.notice === 'container') {
      const iso = new Date(row.at).toISOString();
      // Only the newest lines can be later than a change just reported: look back a little way.
      const stop = Math.max(this.#head, at - 1000);
      while (at > stop && writtenAfter(this.#store[at - 1]!, iso)) at -= 1;
      if (!isStop(row)) {
        let back = at;
        while (back > stop && isWritten(this.#store[back - 1]!)) back -= 1;
        const before = this.#store[back - 1];
        if (back > this.#head && before && isStop(before)) at = back;
      }
    }
    this.#insert(at, row);
    this.#snapshot = undefined;
    this.#trim();
  }

  /**
   * The answer (or one part of it) to a fetch of the seqs after `afterSeq` through `toSeq`:
   * its lines take the place of the gap they fall in. Seqs of the gap before the first line
   * received, or between two received lines, are not in the cloud's buffer (answers come oldest
   * first): they stay as `missing` gaps; so does the rest up to `toSeq` once the answer is `done`.
   * Seqs of the gap after `toSeq` (a read the byte bound stopped covers up to its `readToSeq`
   * only) stay `fetching`, a new gap to fetch (takeNewGaps) — asked for once, by the answer that
   * split the gap: a repeated answer finds no gap left to change. Returns the gap it changed.
   */
  fillGap(afterSeq: number, toSeq: number, lines: readonly LogLine[], done: boolean, lost: readonly GapRange[] = []): GapRange | undefined {
    const index = this.#store.findIndex(
      (row, i) => i >= this.#head && row.kind === 'gap' && row.state === 'fetching' && row.fromSeq <= toSeq && row.toSeq > afterSeq,
    );
    if (index < 0) return undefined;
    const gap = this.#store[index] as GapRow;
    const rows: LogRow[] = [];
    let next = gap.fromSeq;
    // Stored batches come whole, so lines before the range asked may come too: they fill the gap as well.
    for (const line of [...lines].sort((a, b) => a.seq - b.seq)) {
      if (line.seq < next || line.seq > gap.toSeq) continue;
      if (line.seq > next) rows.push(gapRow(next, line.seq - 1, 'missing', this.#keyTag));
      rows.push(toRow(line, this.#keyTag));
      next = line.seq + 1;
    }
    // A gap longer than one fetch was asked for its newest part only: the rest will not come.
    const firstAsked = Math.max(gap.fromSeq, afterSeq + 1);
    if (next < firstAsked) {
      rows.push(gapRow(next, firstAsked - 1, 'missing', this.#keyTag));
      next = firstAsked;
    }
    const covered = Math.min(gap.toSeq, toSeq);
    if (next <= covered) rows.push(gapRow(next, covered, done ? 'missing' : 'fetching', this.#keyTag));
    next = Math.max(next, covered + 1);
    if (next <= gap.toSeq) {
      rows.push(gapRow(next, gap.toSeq, 'fetching', this.#keyTag));
      this.#newGaps.push({ fromSeq: next, toSeq: gap.toSeq });
    }
    this.#replace(index, 1, this.#askAgainForLost(rows, lost));
    this.#lineCount += rows.filter((row) => row.kind === 'line').length;
    this.#snapshot = undefined;
    this.#trim();
    return { fromSeq: gap.fromSeq, toSeq: gap.toSeq };
  }

  /**
   * Older lines (scrolling back, or a fetch answer reaching back): those below the oldest seq held
   * go before it, in seq order, after a restart marker at the top; seqs between them that did not
   * come are gaps to fetch. Only as many rows as the capacity has room for are kept, the newest.
   *
   * `read`: the scroll-back read the cloud's byte bound stopped, which covered the seqs after
   * `afterSeq` up to `readToSeq` only. What it covered but did not bring is `missing` (all of it
   * when it brought no line) — but for the batches it brought and could not read (`lost`), asked
   * for again once, as fillGap does; only the seqs after `readToSeq`, up to the oldest held, are a
   * gap to fetch.
   */
  prependOlder(lines: readonly LogLine[], read?: { readonly afterSeq: number; readonly readToSeq: number }, lost: readonly GapRange[] = []): AppendOutcome {
    const oldest = this.oldestSeq;
    if (oldest === undefined) return { ...NOTHING, duplicates: lines.length };
    const older = [...lines].filter((line) => line.seq < oldest).sort((a, b) => a.seq - b.seq);
    const coveredTo = read?.readToSeq ?? 0;
    let rows: LogRow[] = [];
    let gaps: GapRange[] = [];
    const hole = (fromSeq: number, toSeq: number): void => {
      const covered = Math.min(toSeq, coveredTo);
      if (fromSeq <= covered) rows.push(...this.#askAgainForLost([gapRow(fromSeq, covered, 'missing', this.#keyTag)], lost, gaps));
      const from = Math.max(fromSeq, covered + 1);
      if (from > toSeq) return;
      rows.push(gapRow(from, toSeq, 'fetching', this.#keyTag));
      gaps.push({ fromSeq: from, toSeq });
    };
    // A stopped read starts where it was asked from (unless a stored batch reached further back).
    let previous = read && (older.length === 0 || older[0]!.seq > read.afterSeq) ? read.afterSeq : undefined;
    for (const line of older) {
      if (previous !== undefined && line.seq <= previous) continue;
      if (previous !== undefined && line.seq > previous + 1) hole(previous + 1, line.seq - 1);
      rows.push(toRow(line, this.#keyTag));
      previous = line.seq;
    }
    if (previous !== undefined && previous + 1 < oldest) hole(previous + 1, oldest - 1);
    const uniqueLines = rows.filter((row) => row.kind !== 'gap').length;
    const duplicates = lines.length - uniqueLines;
    const dropped = Math.max(0, rows.length - this.room);
    if (dropped > 0) {
      rows = rows.slice(dropped);
      const first = rows[0];
      const keptFrom = first === undefined ? oldest : first.kind === 'gap' ? first.fromSeq : (first as LineRow | SkipRow).seq;
      gaps = gaps.filter((gap) => gap.fromSeq >= keptFrom);
      this.#trimmed += dropped;
    }
    if (rows.length === 0) return { ...NOTHING, duplicates };
    this.#insertAtTop(rows);
    this.#newGaps.push(...gaps);
    return { added: rows.filter((row) => row.kind !== 'gap').length, duplicates, gaps: gaps.length, held: 0 };
  }

  /** A subscription was (re)sent: hold live lines until its history is complete. */
  beginHistory(): void {
    this.#loadingHistory = true;
  }

  /**
   * The container's numbering started over (a `log.history` marked `reset`): forget every row and
   * the last seen seq, so the new, smaller seqs are neither duplicates nor a gap, and give the new
   * rows keys of their own (a view holding the reader's place by key must not find it among them).
   * Held live lines stay held: they arrived for the new subscription, so they already carry the new
   * numbering.
   */
  reset(): void {
    this.#rewrites += 1;
    this.#numbering += 1;
    this.#keyTag = `@${this.#numbering}`;
    this.#store = [];
    this.#head = 0;
    this.#snapshot = undefined;
    this.#lineCount = 0;
    this.#lastSeq = undefined;
    this.#trimmed = 0;
    this.#newGaps = [];
    // Spans are seqs: those of the old numbering say nothing of the new one's.
    this.#lostRetried.clear();
  }

  /**
   * One `log.history` message (of `epoch`, when it names one), with the seqs of its batches that
   * could not be read (`lost`). The last one (done) releases the held live lines.
   */
  addHistory(lines: readonly LogLine[], done: boolean, epoch?: number, lost: readonly GapRange[] = []): AppendOutcome {
    const outcome = this.#mergeInEpoch(lines, epoch, lost);
    if (!done) return outcome;
    return sum(outcome, this.endHistory());
  }

  /** Stops waiting for history (it completed, or the subscription failed) and merges held lines. */
  endHistory(): AppendOutcome {
    this.#loadingHistory = false;
    const held = this.#held;
    this.#held = [];
    this.#heldCount = 0;
    return held.reduce((outcome, part) => sum(outcome, this.#mergeInEpoch(part.lines, part.epoch, part.lost)), NOTHING);
  }

  /** One live `log.batch` (of `epoch`, when it names one), or the seqs of live batches that could not be read (`lost`). */
  addLive(lines: readonly LogLine[], epoch?: number, lost: readonly GapRange[] = []): AppendOutcome {
    if (this.#loadingHistory) {
      this.#held.push({ lines, lost, epoch });
      this.#heldCount += lines.length;
      // Held lines are bounded like rows: the oldest would be trimmed after merging anyway.
      while (this.#heldCount - this.#held[0]!.lines.length >= this.capacity) {
        this.#heldCount -= this.#held.shift()!.lines.length;
      }
      if (this.#heldCount > this.capacity) {
        const first = this.#held[0]!;
        this.#held[0] = { ...first, lines: first.lines.slice(this.#heldCount - this.capacity) };
        this.#heldCount = this.capacity;
      }
      return { ...NOTHING, held: lines.length };
    }
    return this.#mergeInEpoch(lines, epoch, lost);
  }

  /** Lines of an older epoch are stale; a newer epoch restarts the numbering before they are merged. */
  #mergeInEpoch(lines: readonly LogLine[], epoch: number | undefined, lost: readonly GapRange[] = []): AppendOutcome {
    if (epoch !== undefined && this.#epoch !== undefined && epoch !== this.#epoch) {
      if (epoch < this.#epoch) return { ...NOTHING, duplicates: lines.length };
      this.restart(epoch);
    }
    if (epoch !== undefined) this.#epoch = epoch;
    // Lines first: a lost batch between them is a gap their seqs already make.
    return lost.reduce((outcome, span) => sum(outcome, this.#mergeLost(span)), this.#merge(lines));
  }

  /** Seqs that came but could not be read: after the last seq, or before the oldest, they are a gap to fetch. */
  #mergeLost(span: GapRange): AppendOutcome {
    const last = this.#lastSeq;
    if (last === undefined || span.toSeq > last) {
      const fromSeq = last === undefined ? span.fromSeq : last + 1;
      this.#store.push(gapRow(fromSeq, span.toSeq, 'fetching', this.#keyTag));
      this.#newGaps.push({ fromSeq, toSeq: span.toSeq });
      this.#lastSeq = span.toSeq;
      this.#snapshot = undefined;
      this.#trim();
      return { ...NOTHING, gaps: 1 };
    }
    const oldest = this.oldestSeq;
    if (oldest === undefined || span.fromSeq >= oldest || this.room === 0) return NOTHING;
    this.#insertAtTop([gapRow(span.fromSeq, oldest - 1, 'fetching', this.#keyTag)]);
    this.#newGaps.push({ fromSeq: span.fromSeq, toSeq: oldest - 1 });
    return { ...NOTHING, gaps: 1 };
  }

  /**
   * Seqs the answer's batches held but that could not be read (inflating, parts that stopped
   * coming) are in the buffer still: asked for again once, as a new gap, not marked missing.
   */
  #askAgainForLost(rows: LogRow[], lost: readonly GapRange[], asks: GapRange[] = this.#newGaps): LogRow[] {
    if (lost.length === 0) return rows;
    return rows.flatMap((row): LogRow[] => {
      if (row.kind !== 'gap' || row.state !== 'missing') return [row];
      const pieces: LogRow[] = [];
      let from = row.fromSeq;
      for (const span of [...lost].sort((a, b) => a.fromSeq - b.fromSeq)) {
        const a = Math.max(span.fromSeq, from);
        const b = Math.min(span.toSeq, row.toSeq);
        const id = `${a}-${b}`;
        if (a > b || this.#lostRetried.has(id)) continue;
        this.#lostRetried.add(id);
        if (a > from) pieces.push(gapRow(from, a - 1, 'missing', this.#keyTag));
        pieces.push(gapRow(a, b, 'fetching', this.#keyTag));
        asks.push({ fromSeq: a, toSeq: b });
        from = b + 1;
      }
      if (from <= row.toSeq) pieces.push(gapRow(from, row.toSeq, 'missing', this.#keyTag));
      return pieces;
    });
  }

  /** Rows before the oldest held, after a restart marker at the top (older lines of the new numbering). */
  #insertAtTop(rows: readonly LogRow[]): void {
    let at = this.#head;
    while (at < this.#store.length && this.#store[at]!.kind === 'restart') at += 1;
    this.#replace(at, 0, rows);
    this.#lineCount += rows.filter((row) => row.kind === 'line').length;
    this.#snapshot = undefined;
  }

  #merge(lines: readonly LogLine[]): AppendOutcome {
    let added = 0;
    let markers = 0;
    let duplicates = 0;
    let gaps = 0;
    for (const line of lines) {
      const last = this.#lastSeq;
      if (last !== undefined && line.seq <= last) {
        duplicates += 1;
        continue;
      }
      if (last !== undefined && line.seq > last + 1) {
        this.#store.push(gapRow(last + 1, line.seq - 1, 'fetching', this.#keyTag));
        this.#newGaps.push({ fromSeq: last + 1, toSeq: line.seq - 1 });
        gaps += 1;
      }
      this.#pushLine(toRow(line, this.#keyTag));
      this.#lastSeq = line.seq;
      added += 1;
      if (line.skipped) markers += 1;
    }
    if (added === 0) return { ...NOTHING, duplicates };

    this.#lineCount += added - markers;
    this.#snapshot = undefined;
    this.#trim();
    return { added, duplicates, gaps, held: 0 };
  }

  /** `splice` without spreading `rows` into arguments: a stored batch may bring 10,000 lines at once. */
  #replace(index: number, deleteCount: number, rows: readonly LogRow[]): void {
    // Never an append at the end: a view deriving from the rows must look at them all again.
    this.#rewrites += 1;
    if (rows.length <= 1000) this.#store.splice(index, deleteCount, ...rows);
    else this.#store = this.#store.slice(0, index).concat(rows, this.#store.slice(index + deleteCount));
  }

  /** Appends a line, above any container stops at the end that happened after it was written. */
  #pushLine(row: LineRow | SkipRow): void {
    let at = this.#store.length;
    while (at > this.#head) {
      const last = this.#store[at - 1]!;
      // A late line of the run that stopped; the lines after a start are the new run's, whatever their time.
      if (!isStop(last) || new Date(last.at).toISOString() <= row.ts) break;
      at -= 1;
    }
    this.#insert(at, row);
  }

  /** One row at `at`: an append at the end, or a rewrite (#replace) anywhere before it. */
  #insert(at: number, row: LogRow): void {
    if (at === this.#store.length) this.#store.push(row);
    else this.#replace(at, 0, [row]);
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

function isWritten(row: LogRow): boolean {
  return row.kind === 'line' || row.kind === 'skipped';
}

/** A container notice of any state but running: the container stopped (exited, died, restarting, paused…). */
function isStop(row: LogRow): row is NoticeRow {
  return row.kind === 'notice' && row.notice === 'container' && row.state !== 'running';
}

/** A line written after the ISO time (RFC 3339 strings of one zone compare in time order; nanoseconds past the ms count as later). */
function writtenAfter(row: LogRow, iso: string): boolean {
  return (row.kind === 'line' || row.kind === 'skipped') && row.ts > iso;
}

/** `tag`: the numbering's part of the key ('' in the first, see LineBuffer.reset). */
function gapRow(fromSeq: number, toSeq: number, state: GapRow['state'], tag: string): GapRow {
  return { kind: 'gap', key: `gap:${fromSeq}${tag}`, fromSeq, toSeq, state };
}

function toRow(line: LogLine, tag: string): LineRow | SkipRow {
  if (line.skipped) return { kind: 'skipped', key: `line:${line.seq}${tag}`, seq: line.seq, ts: line.ts, skipped: line.skipped, text: line.text };
  const plain = stripAnsi(line.text);
  return {
    kind: 'line',
    key: `line:${line.seq}${tag}`,
    seq: line.seq,
    ts: line.ts,
    stream: line.stream,
    text: line.text,
    plain,
    searchText: plain.toLowerCase(),
    level: detectLevel(plain),
    truncated: line.truncated === true,
    ...(line.originalBytes === undefined ? {} : { originalBytes: line.originalBytes }),
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
