/**
 * The client-side filter: a case-insensitive substring over the loaded lines (ANSI escapes
 * removed), optionally one stream only. Pure, so it is tested in node and reused for highlighting.
 */
import type { LogStream } from '../../../protocol';
import type { LogRow } from './line-buffer';

export type StreamChoice = 'all' | LogStream;

export interface LineFilter {
  readonly query: string;
  readonly stream: StreamChoice;
}

/** A half-open range [start, end) of a matched substring. */
export type MatchRange = readonly [start: number, end: number];

/**
 * Lines matching the filter. Gap, restart and skip-marker rows stay in place while filtering,
 * whatever the query or stream: lines really are missing (or were dropped, or skipped) there —
 * matching ones, perhaps — and a filtered view should not hide that. A marker's own wording is
 * not searched: it is not a line the container wrote.
 */
export function filterRows(rows: readonly LogRow[], filter: LineFilter): readonly LogRow[] {
  if (filter.query === '' && filter.stream === 'all') return rows;
  const needle = filter.query.toLowerCase();
  const stream = filter.stream;
  return rows.filter(
    (row) => row.kind !== 'line' || ((stream === 'all' || row.stream === stream) && row.searchText.includes(needle)),
  );
}

export function isFiltering(filter: LineFilter): boolean {
  return filter.query !== '' || filter.stream !== 'all';
}

/** Where the query occurs in the text, non-overlapping, left to right (for highlighting). */
export function findMatches(text: string, query: string): MatchRange[] {
  if (query === '') return [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  // Lowercasing a few characters changes their length; offsets would no longer line up.
  if (haystack.length !== text.length || needle.length !== query.length) return [];
  const ranges: MatchRange[] = [];
  let at = haystack.indexOf(needle);
  while (at !== -1) {
    ranges.push([at, at + needle.length]);
    at = haystack.indexOf(needle, at + needle.length);
  }
  return ranges;
}
