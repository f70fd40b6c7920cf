/**
 * The rows of several containers as one list, interleaved by timestamp. Pure (no Solid, no DOM).
 *
 * Each container's rows keep their own order (seq order, as its LineBuffer holds them); between
 * containers the earlier timestamp goes first, compared to the nanosecond as Docker wrote it
 * (protocol/timestamp.ts: strings, never JS numbers, which lose the last digits). Ties go by
 * container (its key), then by place in that container — stable whatever order lines arrive in.
 * A row's place in time is its timestamp, or — for markers without one (gaps, restarts, notices),
 * and for a line stamped earlier than the one before it (stdout and stderr are copied apart) — the
 * latest timestamp before it in its container: markers stay right below the line they follow, and
 * a container's order is never broken to honour a clock.
 *
 * Kept up to date incrementally, as row-filter.ts does for one container: when a container's
 * buffer only grew at the end or was trimmed at the front (row-layout's droppedAtFront: its
 * `rewrites` did not move, its rows are the same objects), its new rows — with those of every
 * other container that only grew, merged together first — go in from where the first of them
 * belongs: the end, for live lines, however the containers' lines interleave. Anything else (a gap
 * filled, older lines loaded, a restart) takes that container's rows out and merges them in again:
 * one pass, never a sort. The result counts its own changes other than appends and front trims
 * (`rewrites`), so the filter and the layout after it can follow incrementally too; its `trimmed`
 * counts the rows taken out at the front, for the view to say so.
 *
 * A container's trim takes the merged front with it: the rows of other containers before the
 * last row it trimmed go too (they are older than everything it still shows), so the merged list
 * starts where every container's lines are there, never with one container's old lines alone
 * over a span the other was trimmed from. Those rows stay in their own buffer; their own trim
 * later counts them as gone already. The same way, the merged list holds at most `capacity`
 * rows (the per-view cap, MERGED_CAPACITY by default), the newest: each container's buffer has
 * its own cap, and the merged list of several would otherwise hold the sum.
 */
import { compareTimestamps } from '../../../protocol';
import type { LogRow } from './line-buffer';
import { droppedAtFront } from './row-layout';

export interface MergeSource {
  /** The container's key (protocol containerKey): names the rows' source and breaks ties. */
  readonly id: string;
  readonly rows: readonly LogRow[];
  /** Rows its buffer dropped at the front (the view's count; the merge follows the rows themselves). */
  readonly trimmed: number;
  readonly rewrites: number;
}

/** Where a merged row sorts: its place in time, then its place in its container. */
export interface MergeOrder {
  readonly ts: string;
  readonly ordinal: number;
}

/** A container's row in the merged list: its key made unique across containers, and its source named. */
export type MergedRow = LogRow & { readonly source: string; readonly order: MergeOrder };

export interface MergedRows {
  /** Oldest first; a new array after every change. */
  readonly rows: readonly MergedRow[];
  /** Rows taken out at the front, ever. */
  readonly trimmed: number;
  /** Changes other than appends at the end and trims at the front. */
  readonly rewrites: number;
}

export type RowMerger = (sources: readonly MergeSource[]) => MergedRows;

/** The most rows a merged view holds (issue 11's per-view cap). */
export const MERGED_CAPACITY = 100_000;

interface SourceState {
  rows: readonly LogRow[];
  rewrites: number;
  /** The place in time of its newest row merged, and the ordinal after it. */
  lastTs: string | undefined;
  nextOrdinal: number;
  /** Its oldest rows let go of by another container's trim, still in its buffer. */
  cut: number;
}

const tsOf = (row: LogRow): string | undefined => (row.kind === 'line' || row.kind === 'skipped' ? row.ts : undefined);

/** Negative when a goes before b. */
export function compareMerged(a: MergedRow, b: MergedRow): number {
  return compareOrderTimes(a.order.ts, b.order.ts) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.order.ordinal - b.order.ordinal;
}

/**
 * Times of the merge order. A source's markers that came before any line of any source (a reset
 * with nothing since, a lost batch) have no time to stand with: '' goes first, before every time.
 */
function compareOrderTimes(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  return compareTimestamps(a, b);
}

export function createRowMerger(options: { readonly capacity?: number } = {}): RowMerger {
  const capacity = options.capacity ?? MERGED_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const states = new Map<string, SourceState>();
  let merged: MergedRow[] = [];
  let output: MergedRows = { rows: [], trimmed: 0, rewrites: 0 };
  let trimmed = 0;
  let rewrites = 0;
  let changed = false;

  /** Wraps rows of one source that follow its newest merged row (or start it afresh), in order. */
  const wrap = (id: string, state: SourceState, rows: readonly LogRow[]): MergedRow[] => {
    const out: MergedRow[] = [];
    // A source's first rows without a time of their own go with its first line after them, or,
    // when none came yet, where the merged rows end now (that is when they happened).
    let last = state.lastTs;
    const stand = rows.map(tsOf).find((ts) => ts !== undefined) ?? merged[merged.length - 1]?.order.ts ?? '';
    for (const row of rows) {
      const ts = tsOf(row);
      if (ts !== undefined && (last === undefined || compareTimestamps(ts, last) > 0)) last = ts;
      out.push({ ...row, key: `${id} ${row.key}`, source: id, order: { ts: last ?? stand, ordinal: state.nextOrdinal++ } });
    }
    // Only a timestamp of its own sets the time of a source's next rows (see update).
    state.lastTs = last;
    return out;
  };

  /** The first index whose row goes after `row`. */
  const upperBound = (row: MergedRow): number => {
    let lo = 0;
    let hi = merged.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareMerged(merged[mid]!, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** Merges two runs, each in order, into one. */
  const mergeRuns = (a: readonly MergedRow[], b: readonly MergedRow[]): MergedRow[] => {
    if (a.length === 0) return b.slice();
    if (b.length === 0) return a.slice();
    const out: MergedRow[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) out.push(compareMerged(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
    while (i < a.length) out.push(a[i++]!);
    while (j < b.length) out.push(b[j++]!);
    return out;
  };

  /** Merges a run (in order) in: appended when it belongs at the end, else merged with the rows after its first. */
  const insertRun = (run: readonly MergedRow[]): void => {
    if (run.length === 0) return;
    changed = true;
    const at = upperBound(run[0]!);
    if (at === merged.length) {
      for (const row of run) merged.push(row);
      return;
    }
    rewrites += 1;
    const after = merged.splice(at);
    let i = 0;
    let j = 0;
    while (i < run.length && j < after.length) merged.push(compareMerged(run[i]!, after[j]!) <= 0 ? run[i++]! : after[j++]!);
    while (i < run.length) merged.push(run[i++]!);
    while (j < after.length) merged.push(after[j++]!);
  };

  /**
   * A source's buffer trimmed `count` rows: those of them still merged go, from the front, with
   * every row before the last of them (see above). Always a trim at the front.
   */
  const trim = (id: string, state: SourceState, count: number): void => {
    const alreadyGone = Math.min(count, state.cut);
    state.cut -= alreadyGone;
    let left = count - alreadyGone;
    if (left <= 0) return;
    let read = 0;
    while (read < merged.length && left > 0) {
      const row = merged[read++]!;
      if (row.source === id) left -= 1;
      else states.get(row.source)!.cut += 1;
    }
    merged.splice(0, read);
    trimmed += read;
    changed = true;
  };

  const removeAll = (id: string): void => {
    const before = merged.length;
    merged = merged.filter((row) => row.source !== id);
    if (merged.length === before) return;
    changed = true;
    rewrites += 1;
  };

  const mergeAfresh = (source: MergeSource): void => {
    removeAll(source.id);
    const state: SourceState = { rows: source.rows, rewrites: source.rewrites, lastTs: undefined, nextOrdinal: 0, cut: 0 };
    states.set(source.id, state);
    insertRun(wrap(source.id, state, source.rows));
  };

  /** A source's new rows, when it only grew or trimmed; undefined when it was merged afresh. */
  const update = (source: MergeSource, state: SourceState): MergedRow[] | undefined => {
    if (source.rows === state.rows) return [];
    // A source that had no rows yet only grew.
    const dropped = state.rows.length === 0 ? 0 : droppedAtFront(state, source);
    // Rows merged with a stand-in time (markers before any line): merged again, with the line's.
    if (dropped === undefined || (state.lastTs === undefined && state.rows.length > 0)) {
      mergeAfresh(source);
      return undefined;
    }
    const remaining = state.rows.length - dropped;
    trim(source.id, state, dropped);
    state.rows = source.rows;
    state.rewrites = source.rewrites;
    return wrap(source.id, state, source.rows.slice(remaining));
  };

  return (sources) => {
    changed = false;
    const ids = new Set(sources.map((source) => source.id));
    for (const id of [...states.keys()]) {
      if (ids.has(id)) continue;
      states.delete(id);
      removeAll(id);
    }
    // New rows of every source that only grew go in as one run: live lines of several
    // containers in the same frame are all appended, whichever order their times interleave in.
    let fresh: MergedRow[] = [];
    for (const source of sources) {
      const state = states.get(source.id);
      const run = state ? update(source, state) : (mergeAfresh(source), undefined);
      if (run && run.length > 0) fresh = mergeRuns(fresh, run);
    }
    insertRun(fresh);
    if (merged.length > capacity) {
      const over = merged.length - capacity;
      for (let i = 0; i < over; i += 1) states.get(merged[i]!.source)!.cut += 1;
      merged.splice(0, over);
      trimmed += over;
      changed = true;
    }
    if (changed) output = { rows: merged.slice(), trimmed, rewrites };
    return output;
  };
}
