/**
 * The filtered rows of a view, kept up to date as lines arrive without filtering every row
 * again: a live container appends a few rows per frame to as many as 100,000, and testing them
 * all each frame would spend the frame. Pure (no Solid).
 *
 * When the filter is the same and the rows only grew at the end or were trimmed at the front
 * (the buffer's `rewrites` did not move, its `trimmed` says how many went), the kept rows of the
 * trimmed front are dropped and only the new rows are tested. Anything else filters everything.
 */
import type { LogRow } from './line-buffer';
import { filterRows, type CompiledFilter } from './line-filter';

export interface RowsSnapshot {
  readonly rows: readonly LogRow[];
  readonly trimmed: number;
  readonly rewrites: number;
}

export type RowFilter = (snapshot: RowsSnapshot, filter: CompiledFilter) => readonly LogRow[];

export function createRowFilter(): RowFilter {
  let last: (RowsSnapshot & { readonly filter: CompiledFilter; readonly output: readonly LogRow[] }) | undefined;
  return (snapshot, filter) => {
    if (!filter.active) {
      last = undefined;
      return snapshot.rows;
    }
    const output = (last && extended(last, snapshot, filter)) ?? filterRows(snapshot.rows, filter);
    last = { ...snapshot, filter, output };
    return output;
  };
}

const kept = (row: LogRow, filter: CompiledFilter): boolean => row.kind !== 'line' || filter.keep(row);

function extended(
  last: RowsSnapshot & { readonly filter: CompiledFilter; readonly output: readonly LogRow[] },
  next: RowsSnapshot,
  filter: CompiledFilter,
): LogRow[] | undefined {
  if (last.filter !== filter || last.rewrites !== next.rewrites) return undefined;
  const dropped = next.trimmed - last.trimmed;
  const remaining = last.rows.length - dropped;
  if (dropped < 0 || remaining < 0 || next.rows.length < remaining) return undefined;
  // The rows still held must be the same objects, in the same places (checked at both ends).
  if (remaining > 0 && (next.rows[0] !== last.rows[dropped] || next.rows[remaining - 1] !== last.rows[last.rows.length - 1])) return undefined;
  let cut = 0;
  for (let i = 0; i < dropped; i += 1) if (kept(last.rows[i]!, filter)) cut += 1;
  const output = last.output.slice(cut);
  for (let i = remaining; i < next.rows.length; i += 1) {
    const row = next.rows[i]!;
    if (kept(row, filter)) output.push(row);
  }
  return output;
}
