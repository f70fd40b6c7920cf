/**
 * Which row a place (a line's seq, or a moment) is, among the rows of a view. Pure.
 *
 * A seq is that line, or — when it is not among the rows (filtered out, or skipped) — the first
 * line after it. A moment is the first line at or after it, timestamps compared to the
 * nanosecond (protocol/timestamp.ts). While the history is still arriving, only an exact seq
 * counts: a later line now may have the asked one land before it in the next message.
 */
import { compareToTimestamp } from '../../../protocol';
import type { LineRow, LogRow } from './line-buffer';
import type { ViewPlace } from './view-link';

export function findPlace(rows: readonly LogRow[], place: ViewPlace, complete: boolean): LineRow | undefined {
  if ('seq' in place) {
    let after: LineRow | undefined;
    for (const row of rows) {
      if (row.kind !== 'line') continue;
      if (row.seq === place.seq) return row;
      if (after === undefined && row.seq > place.seq) after = row;
    }
    return complete ? after : undefined;
  }
  if (!complete) return undefined;
  const compare = compareToTimestamp(place.ts);
  for (const row of rows) if (row.kind === 'line' && compare(row.ts) >= 0) return row;
  return undefined;
}
