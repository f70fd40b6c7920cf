/**
 * The client-side filter: a case-insensitive substring over the loaded lines (ANSI escapes
 * removed). Pure, so it is tested in node and reused for highlighting.
 */
import type { LogRow } from './line-buffer';

/** A half-open range [start, end) of a matched substring. */
export type MatchRange = readonly [start: number, end: number];

/** The empty query matches everything; otherwise a case-insensitive substring test. */
export function matchesQuery(text: string, query: string): boolean {
  return query === '' || text.toLowerCase().includes(query.toLowerCase());
}

/**
 * Lines matching the query. Gap rows stay in place while filtering: lines really are missing
 * there, and a filtered view should not hide that.
 */
export function filterRows(rows: readonly LogRow[], query: string): readonly LogRow[] {
  if (query === '') return rows;
  const needle = query.toLowerCase();
  return rows.filter((row) => row.kind === 'gap' || row.plain.toLowerCase().includes(needle));
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
