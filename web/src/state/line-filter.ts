/**
 * The client-side filter over the loaded lines. Pure, so it is tested in node and reused for
 * highlighting. A line is kept when it is of the chosen stream, of a level not hidden, and its
 * text (ANSI escapes removed) matches the query — or, inverted, does not.
 *
 * The query is a substring or a regular expression, case-insensitive unless asked otherwise. It is
 * compiled once per filter change (compileFilter), never per line; each line was prepared once as
 * it arrived (line-buffer.ts: `plain` without escapes, `searchText` lowercased, `level`), so
 * testing a line allocates nothing. An invalid regular expression is not an exception: the
 * compiled filter carries its error to show, and filters by stream and level only.
 */
import type { LogStream } from '../../../protocol';
import type { LogLevel } from '../format/log-level';
import type { LineRow, LogRow } from './line-buffer';

export type StreamChoice = 'all' | LogStream;
/** A level the filter can hide; `none` is a line without a level that could be read. */
export type LevelChoice = LogLevel | 'none';

export interface LineFilter {
  readonly query: string;
  readonly stream: StreamChoice;
  /** The query is a regular expression (JavaScript syntax) instead of a substring. */
  readonly regex?: boolean;
  readonly caseSensitive?: boolean;
  /** Keep the lines that do NOT match the query. */
  readonly invert?: boolean;
  /** Lines of these levels are hidden. */
  readonly hiddenLevels?: ReadonlySet<LevelChoice>;
}

/** A half-open range [start, end) of a matched substring. */
export type MatchRange = readonly [start: number, end: number];

/** Where a query matches a text (ANSI escapes already removed), for highlighting. */
export type TextMatcher = (text: string) => MatchRange[];

export interface CompiledFilter {
  /** Whether anything is filtered at all (the rows are passed through untouched when not). */
  readonly active: boolean;
  /** Why the query could not be used (an invalid regular expression), to show beside it. */
  readonly error?: string;
  keep(row: LineRow): boolean;
  /** Highlights what matched; absent when nothing is highlighted (no query, or inverted). */
  readonly matcher?: TextMatcher;
}

/** How many matches of one line are highlighted: enough to read, bounded for a pathological pattern. */
export const MAX_HIGHLIGHTS = 200;

const NO_LEVELS: ReadonlySet<LevelChoice> = new Set();

export function compileFilter(filter: LineFilter): CompiledFilter {
  const stream = filter.stream;
  const hidden = filter.hiddenLevels ?? NO_LEVELS;
  const invert = filter.invert === true;
  const text = compileQuery(filter);
  const test = 'test' in text ? text.test : undefined;
  const active = stream !== 'all' || hidden.size > 0 || test !== undefined;
  const keep = (row: LineRow): boolean =>
    (stream === 'all' || row.stream === stream) &&
    (hidden.size === 0 || !hidden.has(row.level ?? 'none')) &&
    (test === undefined || test(row) !== invert);
  return {
    active,
    keep,
    ...('error' in text ? { error: text.error } : {}),
    ...('test' in text && !invert ? { matcher: text.matcher } : {}),
  };
}

type CompiledQuery = { test: (row: LineRow) => boolean; matcher: TextMatcher } | { error: string } | Record<string, never>;

function compileQuery(filter: LineFilter): CompiledQuery {
  const query = filter.query;
  if (query === '') return {};
  const caseSensitive = filter.caseSensitive === true;
  if (filter.regex) {
    let re: RegExp;
    try {
      re = new RegExp(query, caseSensitive ? '' : 'i');
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const global = new RegExp(re.source, `${re.flags}g`);
    return { test: (row) => re.test(row.plain), matcher: (text) => regexMatches(text, global) };
  }
  if (caseSensitive) return { test: (row) => row.plain.includes(query), matcher: (text) => substringMatches(text, query, true) };
  const needle = query.toLowerCase();
  return { test: (row) => row.searchText.includes(needle), matcher: (text) => substringMatches(text, query, false) };
}

/**
 * Lines kept by the filter. Gap, restart, skip and other marker rows stay in place while
 * filtering, whatever the filter: lines really are missing (or were dropped, or skipped) there —
 * matching ones, perhaps — and a filtered view should not hide that. A marker's own wording is
 * not searched: it is not a line the container wrote.
 */
export function filterRows(rows: readonly LogRow[], filter: LineFilter | CompiledFilter): readonly LogRow[] {
  const compiled = 'keep' in filter ? filter : compileFilter(filter);
  if (!compiled.active) return rows;
  const kept: LogRow[] = [];
  const keep = compiled.keep;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    if (row.kind !== 'line' || keep(row)) kept.push(row);
  }
  return kept;
}

export function isFiltering(filter: LineFilter): boolean {
  return compileFilter(filter).active;
}

/** Where the query occurs in the text, non-overlapping, left to right, case-insensitively (for highlighting). */
export function findMatches(text: string, query: string): MatchRange[] {
  return query === '' ? [] : substringMatches(text, query, false);
}

function substringMatches(text: string, query: string, caseSensitive: boolean): MatchRange[] {
  const haystack = caseSensitive ? text : text.toLowerCase();
  const needle = caseSensitive ? query : query.toLowerCase();
  // Lowercasing a few characters (İ) changes their length, so offsets in the lowered text are not
  // the text's: find the query in the text itself, case-insensitively, instead.
  if (haystack.length !== text.length || needle.length !== query.length) return regexMatches(text, new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'));
  const ranges: MatchRange[] = [];
  let at = haystack.indexOf(needle);
  while (at !== -1 && ranges.length < MAX_HIGHLIGHTS) {
    ranges.push([at, at + needle.length]);
    at = haystack.indexOf(needle, at + needle.length);
  }
  return ranges;
}

/** Non-empty matches of a global regular expression; an empty match moves on by one character. */
function regexMatches(text: string, re: RegExp): MatchRange[] {
  const ranges: MatchRange[] = [];
  re.lastIndex = 0;
  while (ranges.length < MAX_HIGHLIGHTS) {
    const match = re.exec(text);
    if (!match) break;
    const end = match.index + match[0].length;
    if (end === match.index) {
      re.lastIndex = match.index + 1;
      if (re.lastIndex > text.length) break;
      continue;
    }
    ranges.push([match.index, end]);
  }
  re.lastIndex = 0;
  return ranges;
}
