/**
 * The filtered rows of a view, kept up to date as lines arrive without filtering every row
 * again: a live container appends a few rows per frame to as many as 100,000, and testing them
 * all each frame would spend the frame. Pure (no Solid).
 *
 * When the filter is the same and the rows only grew at the end or were trimmed at the front
 * (row-layout's droppedAtFront: the buffer's `rewrites` did not move, the rows held are the same
 * objects), the kept rows of the trimmed front are dropped and only the new rows are tested.
 * Anything else filters everything. The result counts its own changes other than appends and
 * front drops (`rewrites`), so what lays it out or counts it can follow it the same way.
 */
import type { LogRow } from './line-buffer';
import { filterRows, type CompiledFilter } from './line-filter';
import { droppedAtFront, type ChangingRows } from './row-layout';

/** A view's rows as its store hands them on (ContainerLogs, MergedRows, a LineBuffer). */
export type RowsSnapshot = ChangingRows<LogRow>;

export type RowFilter = (snapshot: RowsSnapshot, filter: CompiledFilter) => ChangingRows<LogRow>;

interface Filtered {
  readonly input: RowsSnapshot;
  readonly filter: CompiledFilter;
  readonly output: ChangingRows<LogRow>;
}

export function createRowFilter(): RowFilter {
  let last: Filtered | undefined;
  let rewrites = 0;
  return (snapshot, filter) => {
    const input = { rows: snapshot.rows, rewrites: snapshot.rewrites };
    if (last && last.filter === filter && last.input.rows === input.rows) return last.output;
    const sameFilter = last !== undefined && (last.filter === filter || (!last.filter.active && !filter.active));
    const dropped = last && sameFilter ? droppedAtFront(last.input, input) : undefined;
    if (dropped === undefined) rewrites += 1;
    let rows: readonly LogRow[];
    if (!filter.active) rows = input.rows;
    else if (last && dropped !== undefined) rows = extended(last, input, dropped, filter);
    else rows = filterRows(input.rows, filter);
    const output = last && last.output.rows === rows && last.output.rewrites === rewrites ? last.output : { rows, rewrites };
    last = { input, filter, output };
    return output;
  };
}

const kept = (row: LogRow, filter: CompiledFilter): boolean => row.kind !== 'line' || filter.keep(row);

/** The last output without the kept rows of the `dropped` trimmed, with the kept new rows after it. */
function extended(last: Filtered, next: RowsSnapshot, dropped: number, filter: CompiledFilter): LogRow[] {
  let cut = 0;
  for (let i = 0; i < dropped; i += 1) if (kept(last.input.rows[i]!, filter)) cut += 1;
  const output = last.output.rows.slice(cut);
  for (let i = last.input.rows.length - dropped; i < next.rows.length; i += 1) {
    const row = next.rows[i]!;
    if (kept(row, filter)) output.push(row);
  }
  return output;
}
