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
 *
 * A regular expression typed into the box must never hang the tab, and `RegExp.exec` cannot be
 * interrupted on the main thread. Both defences are used, because neither is enough alone:
 * - a static check (regex-risk.ts) refuses the exponential forms (`(a+)+`, `(a|a)*`, …), which
 *   hang on lines of a few dozen characters — an error, like an invalid pattern;
 * - the patterns left can still backtrack polynomially (`.*x` is quadratic: minutes on one
 *   256 KB line), which no static check can refuse without refusing ordinary patterns. So only
 *   lines up to MAIN_THREAD_LINE_CHARS are tested here (fast: the common case, and the bench);
 *   longer ones go to a worker with a watchdog (`longLines`, from the filter store), which stops
 *   a pass that takes too long and turns the filter off with a message. A pass over many short
 *   lines that runs past MAIN_THREAD_PASS_MS gives up the same way (`onSlow`).
 * Running every line in the worker instead would bound everything, but would copy all 100,000
 * lines to it on each change and make every filter asynchronous — slower than the 50 ms goal.
 */
import type { LogStream } from '../../../protocol';
import type { LogLevel } from '../format/log-level';
import type { LineRow, LogRow } from './line-buffer';
import { regexRisk } from './regex-risk';

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

/**
 * Lines longer than this are never tested with a regular expression on the main thread: a
 * pattern that passed regexRisk backtracks at worst polynomially, which stays around a
 * millisecond on lines this short, and a long line's cost is bounded in a worker instead.
 */
export const MAIN_THREAD_LINE_CHARS = 1024;

/** Tests the long lines elsewhere (state/long-line-matcher.ts: a worker); answers come later. */
export interface LongLineMatcher {
  /** Whether the line matches; undefined until known (it is asked for now). */
  test(row: LineRow): boolean | undefined;
  /** Where the text matches, for highlighting; undefined until known (asked for now). */
  ranges(text: string): MatchRange[] | undefined;
}

export interface CompileOptions {
  /**
   * Gives the matcher of lines over MAIN_THREAD_LINE_CHARS for a regular expression that is
   * used. Without one, long lines are never known to match: hidden while a query filters them.
   */
  readonly longLines?: (re: RegExp) => LongLineMatcher;
  /** Why the query is no longer used though it is valid (it took too long), shown as its error. */
  readonly stopped?: string;
  /**
   * Called (once) when a pass over short lines ran past MAIN_THREAD_PASS_MS: the lines left in
   * that pass are not tested (not kept), and the caller should compile again with `stopped`.
   */
  readonly onSlow?: (message: string) => void;
  /** The clock the pass budget is measured with. @default performance.now */
  readonly now?: () => number;
}

/**
 * The longest one synchronous pass over short lines may test them on the main thread. Each line
 * is cheap (see MAIN_THREAD_LINE_CHARS), but 100,000 of them with a quadratic pattern (`.*x`)
 * still take seconds: past this, the pattern is given up on rather than the page frozen.
 */
export const MAIN_THREAD_PASS_MS = 1_000;

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

export function compileFilter(filter: LineFilter, options: CompileOptions = {}): CompiledFilter {
  const stream = filter.stream;
  const hidden = filter.hiddenLevels ?? NO_LEVELS;
  const invert = filter.invert === true;
  const text: CompiledQuery = options.stopped !== undefined && filter.query !== '' ? { error: options.stopped } : compileQuery(filter, options);
  const test = 'test' in text ? text.test : undefined;
  const active = stream !== 'all' || hidden.size > 0 || test !== undefined;
  const keep = (row: LineRow): boolean =>
    (stream === 'all' || row.stream === stream) &&
    (hidden.size === 0 || !hidden.has(row.level ?? 'none')) &&
    (test === undefined || test(row) === !invert);
  return {
    active,
    keep,
    ...('error' in text ? { error: text.error } : {}),
    ...('test' in text && !invert ? { matcher: text.matcher } : {}),
  };
}

/** A line's test answers undefined while it is not known (a long line in the worker): not kept, either way. */
type CompiledQuery = { test: (row: LineRow) => boolean | undefined; matcher: TextMatcher } | { error: string } | Record<string, never>;

/** The flags a query's regular expression is compiled with (the worker compiles the same). */
export function regexFlags(filter: Pick<LineFilter, 'caseSensitive'>): string {
  return filter.caseSensitive === true ? '' : 'i';
}

function compileQuery(filter: LineFilter, options: CompileOptions): CompiledQuery {
  const query = filter.query;
  if (query === '') return {};
  const caseSensitive = filter.caseSensitive === true;
  if (filter.regex) {
    let re: RegExp;
    try {
      re = new RegExp(query, regexFlags(filter));
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const risk = regexRisk(query, !caseSensitive);
    if (risk !== undefined) return { error: risk };
    const global = new RegExp(re.source, `${re.flags}g`);
    const long = options.longLines?.(re);
    const overBudget = passBudget(options);
    return {
      test: (row) => (row.plain.length > MAIN_THREAD_LINE_CHARS ? long?.test(row) : overBudget() ? undefined : re.test(row.plain)),
      matcher: (text) => (text.length <= MAIN_THREAD_LINE_CHARS ? regexMatches(text, global) : (long?.ranges(text) ?? [])),
    };
  }
  if (caseSensitive) return { test: (row) => row.plain.includes(query), matcher: (text) => substringMatches(text, query, true) };
  const needle = query.toLowerCase();
  return { test: (row) => row.searchText.includes(needle), matcher: (text) => substringMatches(text, query, false) };
}

/**
 * Whether the synchronous pass under way has run past MAIN_THREAD_PASS_MS. The clock is read once
 * per 128 lines (the bench's 100,000 lines cost 800 reads); a pass ends with its task, so the
 * start is forgotten on the next microtask.
 */
function passBudget(options: CompileOptions): () => boolean {
  const now = options.now ?? (() => performance.now());
  let tests = 0;
  let start: number | undefined;
  let over = false;
  return () => {
    if (over) return true;
    if ((tests++ & 127) !== 0) return false;
    const at = now();
    if (start === undefined) {
      start = at;
      queueMicrotask(() => {
        start = undefined;
      });
      return false;
    }
    if (at - start <= MAIN_THREAD_PASS_MS) return false;
    over = true;
    options.onSlow?.(`This pattern takes too long (over ${MAIN_THREAD_PASS_MS / 1000} s over the loaded lines); the filter is off until it changes.`);
    return true;
  };
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
export function regexMatches(text: string, re: RegExp): MatchRange[] {
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
