/**
 * The log view's follow logic, without the DOM (LogView.tsx feeds it what it measured). Pure.
 *
 * Following: while the reader is at the bottom, new lines scroll into view. Only the reader stops
 * that — a wheel or a key up, dragging the scrollbar away from the end — never the view's own
 * writes of scrollTop, nor the virtualizer's corrections for measured rows (those are undone
 * while following). Reaching the bottom again, "Jump to latest", or the follow store's
 * `follow()` (a shortcut, a link) resumes it. While paused, the first visible row is the anchor:
 * when rows change (new lines, the oldest trimmed at the cap, a filter) the view is put back so
 * that row stays where it was, and the lines that arrived since the pause are counted.
 */
import type { LogRow } from './line-buffer';
import { droppedAtFront, type ChangingRows, type LayoutChange } from './row-layout';

/** "At the bottom" tolerates a few pixels of sub-pixel rounding. */
export const END_THRESHOLD_PX = 4;

export interface ScrollSample {
  /** scrollHeight − scrollTop − clientHeight. */
  readonly distanceFromEnd: number;
  /** The event reports the view's own last write of scrollTop. */
  readonly ours: boolean;
  /** The reader holds a pointer down (dragging the scrollbar). */
  readonly pointerDown: boolean;
}

/**
 * What a scroll event means: `follow` (the reader reached the bottom), `pause` (dragged away),
 * `stick` (something else moved the view while following: back to the end), `anchor` (paused:
 * remember the first visible row), or `none`.
 */
export type ScrollDecision = 'follow' | 'pause' | 'stick' | 'anchor' | 'none';

export function decideScroll(following: boolean, sample: ScrollSample): ScrollDecision {
  if (sample.ours) return following ? 'none' : 'anchor';
  if (sample.distanceFromEnd <= END_THRESHOLD_PX) return following ? 'none' : 'follow';
  if (sample.pointerDown) return following ? 'pause' : 'anchor';
  return following ? 'stick' : 'anchor';
}

export type ReaderInput = { readonly kind: 'wheel'; readonly deltaY: number } | { readonly kind: 'key'; readonly key: string };

const KEYS_UP = new Set(['ArrowUp', 'PageUp', 'Home']);

/** Reader input that moves away from the end, in a view that can scroll: it pauses following. */
export function leavesEnd(input: ReaderInput, scrollable: boolean): boolean {
  if (!scrollable) return false;
  return input.kind === 'wheel' ? input.deltaY < 0 : KEYS_UP.has(input.key);
}

/** Where following paused: the last line held then (by seq), and the restart markers before it. */
export interface PausePoint {
  readonly lastSeq: number | undefined;
  readonly restarts: number;
}

export function pausePoint(rows: readonly LogRow[]): PausePoint {
  let lastSeq: number | undefined;
  let restarts = 0;
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i]!;
    if (lastSeq === undefined && row.kind === 'line') lastSeq = row.seq;
    if (row.kind === 'restart') restarts += 1;
  }
  return { lastSeq, restarts };
}

/**
 * Lines among `rows` that arrived after the pause: those after it by seq, or after a restart
 * marker that came since (a new numbering starts at 1 again). Counted from the end, so it costs
 * what it counts.
 */
export function countNewLines(rows: readonly LogRow[], since: PausePoint): number {
  let restartsAfter = 0;
  for (const row of rows) if (row.kind === 'restart') restartsAfter += 1;
  const newRestarts = restartsAfter - since.restarts;
  let count = 0;
  let restartsSeen = 0;
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i]!;
    if (row.kind === 'restart') {
      restartsSeen += 1;
      if (restartsSeen >= newRestarts) break;
      continue;
    }
    if (row.kind !== 'line') continue;
    // Within the numbering of the pause: only seqs above the last one held then are new.
    if (newRestarts <= 0 && since.lastSeq !== undefined && row.seq <= since.lastSeq) break;
    count += 1;
  }
  return count;
}

/** What countNewLines found, and where its count stops: rows after `boundary` are counted (-1: from the first). */
interface NewLineScan {
  readonly rows: readonly LogRow[];
  readonly rewrites: number;
  readonly restarts: number;
  readonly count: number;
  readonly boundary: number;
}

/**
 * countNewLines kept up to date while paused: under a flood at the cap the rows change every
 * frame, rows appended at the end and the oldest dropped at the front, and counting them all
 * again each frame costs a pass over as many as 100,000. Such a change costs the rows added and
 * dropped; any other (a restart among them, a filter, a gap filled in place, older lines above)
 * counts everything again. Always the same count as countNewLines.
 */
export class NewLineCounter {
  readonly #since: PausePoint;
  #last: NewLineScan | undefined;

  constructor(since: PausePoint) {
    this.#since = since;
  }

  count(shown: ChangingRows<LogRow>): number {
    const last = this.#last;
    if (last?.rows === shown.rows) return last.count;
    this.#last = (last && this.#shifted(last, shown)) ?? scanNewLines(shown, this.#since);
    return this.#last.count;
  }

  #shifted(last: NewLineScan, shown: ChangingRows<LogRow>): NewLineScan | undefined {
    const { rows } = shown;
    const dropped = droppedAtFront(last, shown);
    if (dropped === undefined) return undefined;
    const kept = last.rows.length - dropped;
    // A restart going or coming changes which numbering is new: counted again (rare).
    for (let i = 0; i < dropped; i += 1) if (last.rows[i]!.kind === 'restart') return undefined;
    for (let i = kept; i < rows.length; i += 1) if (rows[i]!.kind === 'restart') return undefined;
    let { count, boundary } = last;
    // The counted rows that went: those after the boundary among the dropped.
    if (boundary < dropped) {
      for (let i = boundary + 1; i < dropped; i += 1) if (last.rows[i]!.kind === 'line') count -= 1;
      boundary = -1;
    } else boundary -= dropped;
    const newRestarts = last.restarts - this.#since.restarts;
    const lastSeq = this.#since.lastSeq;
    for (let i = kept; i < rows.length; i += 1) {
      const row = rows[i]!;
      if (row.kind !== 'line') continue;
      // Within the pause's numbering, a line not above its last seq is where the count starts again.
      if (newRestarts <= 0 && lastSeq !== undefined && row.seq <= lastSeq) {
        count = 0;
        boundary = i;
      } else count += 1;
    }
    return { rows, rewrites: shown.rewrites, restarts: last.restarts, count, boundary };
  }
}

function scanNewLines(shown: ChangingRows<LogRow>, since: PausePoint): NewLineScan {
  const { rows } = shown;
  let restarts = 0;
  for (const row of rows) if (row.kind === 'restart') restarts += 1;
  const newRestarts = restarts - since.restarts;
  let count = 0;
  let restartsSeen = 0;
  let boundary = -1;
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const row = rows[i]!;
    if (row.kind === 'restart') {
      restartsSeen += 1;
      if (restartsSeen >= newRestarts) {
        boundary = i;
        break;
      }
      continue;
    }
    if (row.kind !== 'line') continue;
    if (newRestarts <= 0 && since.lastSeq !== undefined && row.seq <= since.lastSeq) {
      boundary = i;
      break;
    }
    count += 1;
  }
  return { rows, rewrites: shown.rewrites, restarts, count, boundary };
}

/** The reader's place while paused: a row (its key, and its index when last placed), and how far into it the viewport's top is (px). */
export interface Anchor {
  readonly key: string;
  readonly index: number;
  readonly offset: number;
}

/**
 * The anchor's row after the rows changed (`change`, as RowLayout.update saw it): moved up by the
 * rows dropped at the front, or found again by key. When the cap dropped the reader's row itself,
 * the view holds on to the top of what is left (the dropped marker shows above it); when the row
 * is gone otherwise (filtered out, the numbering restarted), undefined: the view keeps its offset.
 */
export function reanchor(anchor: Anchor, change: LayoutChange, rows: readonly { readonly key: string }[]): Anchor | undefined {
  if (change.kind === 'same') return anchor;
  if (change.kind === 'shifted') {
    const index = anchor.index - change.dropped;
    if (index < 0) return rows[0] && { key: rows[0].key, index: 0, offset: Math.min(0, anchor.offset) };
    if (rows[index]?.key === anchor.key) return { ...anchor, index };
  }
  const index = rows.findIndex((row) => row.key === anchor.key);
  return index === -1 ? undefined : { ...anchor, index };
}
