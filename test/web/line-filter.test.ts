import { describe, expect, it } from 'vitest';
import { compileFilter, filterRows, findMatches, isFiltering, MAIN_THREAD_LINE_CHARS, MAIN_THREAD_PASS_MS, MAX_HIGHLIGHTS, type LongLineMatcher } from '../../web/src/state/line-filter';
import type { LogRow } from '../../web/src/state/line-buffer';
import { lineRow } from './line-rows';

const line = lineRow;

describe('filterRows', () => {
  const rows: LogRow[] = [
    line(1, 'Server started'),
    line(2, 'error: disk full', 'stderr'),
    { kind: 'gap', key: 'gap:3', fromSeq: 3, toSeq: 4, state: 'missing' },
    line(5, '\x1b[31mERROR\x1b[0m again'),
  ];

  const keys = (result: readonly LogRow[]) => result.map((row) => row.key);

  it('returns the same array when nothing is filtered', () => {
    expect(filterRows(rows, { query: '', stream: 'all' })).toBe(rows);
    expect(isFiltering({ query: '', stream: 'all' })).toBe(false);
  });

  it('keeps matching lines case-insensitively and searches text without ANSI escapes', () => {
    const result = filterRows(rows, { query: 'ERROR', stream: 'all' });

    expect(keys(result)).toEqual(['line:2', 'gap:3', 'line:5']);
  });

  it('does not match the escape codes themselves', () => {
    expect(filterRows(rows, { query: '[31m', stream: 'all' }).filter((row) => row.kind === 'line')).toEqual([]);
  });

  it.each([
    ['stderr', '', ['line:2', 'gap:3']],
    ['stdout', '', ['line:1', 'gap:3', 'line:5']],
    ['stdout', 'error', ['gap:3', 'line:5']],
  ] as const)('keeps only %s lines (query %j) and the gap markers', (stream, query, expected) => {
    expect(keys(filterRows(rows, { query, stream }))).toEqual(expected);
    expect(isFiltering({ query, stream })).toBe(true);
  });
});

describe('findMatches', () => {
  it('finds every non-overlapping occurrence, case-insensitively', () => {
    expect(findMatches('Error, error, ERROR', 'error')).toEqual([
      [0, 5],
      [7, 12],
      [14, 19],
    ]);
  });

  it('does not overlap matches', () => {
    expect(findMatches('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('returns nothing for an empty query', () => {
    expect(findMatches('text', '')).toEqual([]);
  });

  it('finds the matches at the text’s own offsets when lowercasing changes the length (İ)', () => {
    expect(findMatches('İstanbul error, ERROR', 'error')).toEqual([
      [9, 14],
      [16, 21],
    ]);
  });
});

describe('compileFilter', () => {
  const rows: LogRow[] = [
    line(1, 'INFO GET /api/users 200'),
    line(2, 'ERROR GET /api/orders 500', 'stderr'),
    line(3, 'WARN slow query took 1200ms'),
    line(4, '\x1b[32mINFO\x1b[0m POST /api/orders 201'),
    line(5, '    at Object.<anonymous> (index.js:1:1)', 'stderr'),
    { kind: 'gap', key: 'gap:6', fromSeq: 6, toSeq: 6, state: 'missing' },
  ];
  const keys = (filter: Parameters<typeof filterRows>[1]) => filterRows(rows, filter).map((row) => row.key);

  it('matches a regular expression against the text without escapes', () => {
    expect(keys({ query: 'POST|50\\d', stream: 'all', regex: true })).toEqual(['line:2', 'line:4', 'gap:6']);
  });

  it('is case-insensitive unless asked otherwise, for substrings and regular expressions', () => {
    expect(keys({ query: 'error', stream: 'all' })).toEqual(['line:2', 'gap:6']);
    expect(keys({ query: 'error', stream: 'all', caseSensitive: true })).toEqual(['gap:6']);
    expect(keys({ query: '^error', stream: 'all', regex: true })).toEqual(['line:2', 'gap:6']);
    expect(keys({ query: '^error', stream: 'all', regex: true, caseSensitive: true })).toEqual(['gap:6']);
    expect(keys({ query: 'ERROR', stream: 'all', caseSensitive: true })).toEqual(['line:2', 'gap:6']);
  });

  it('keeps the lines that do not match when inverted, markers still in place', () => {
    expect(keys({ query: '/api/', stream: 'all', invert: true })).toEqual(['line:3', 'line:5', 'gap:6']);
    expect(keys({ query: '\\d{3}$', stream: 'all', regex: true, invert: true })).toEqual(['line:3', 'line:5', 'gap:6']);
  });

  it('hides the levels asked, lines without a level as "none"', () => {
    expect(keys({ query: '', stream: 'all', hiddenLevels: new Set(['info', 'none']) })).toEqual(['line:2', 'line:3', 'gap:6']);
    expect(keys({ query: 'orders', stream: 'all', hiddenLevels: new Set(['error']) })).toEqual(['line:4', 'gap:6']);
  });

  it('combines stream, level and an inverted query', () => {
    expect(keys({ query: 'orders', stream: 'stderr', invert: true, hiddenLevels: new Set(['warn']) })).toEqual(['line:5', 'gap:6']);
  });

  it.each(['(', '[a-', '*x', '(?<n>a)\\k<m>'])('reports the invalid regular expression %j instead of throwing, and filters by the rest', (query) => {
    const compiled = compileFilter({ query, stream: 'stderr', regex: true });
    expect(compiled.error).toMatch(/invalid|unterminated|nothing to repeat|group/i);
    expect(compiled.matcher).toBeUndefined();
    expect(filterRows(rows, compiled).map((row) => row.key)).toEqual(['line:2', 'line:5', 'gap:6']);
  });

  it('is not active, and passes the rows through, with only an invalid regular expression', () => {
    const compiled = compileFilter({ query: '(', stream: 'all', regex: true });
    expect(compiled.active).toBe(false);
    expect(filterRows(rows, compiled)).toBe(rows);
  });

  it('highlights regular-expression matches, skipping empty ones', () => {
    const matcher = compileFilter({ query: 'o*r', stream: 'all', regex: true }).matcher!;
    expect(matcher('error or')).toEqual([[1, 2], [2, 3], [3, 5], [6, 8]]);
    expect(compileFilter({ query: 'x*', stream: 'all', regex: true }).matcher!('abc')).toEqual([]);
    expect(compileFilter({ query: '^', stream: 'all', regex: true }).matcher!('abc')).toEqual([]);
  });

  it('highlights case-sensitive substrings exactly', () => {
    expect(compileFilter({ query: 'Err', stream: 'all', caseSensitive: true }).matcher!('err Err ERR')).toEqual([[4, 7]]);
  });

  it('highlights nothing when inverted (what is shown did not match)', () => {
    expect(compileFilter({ query: 'a', stream: 'all', invert: true }).matcher).toBeUndefined();
  });

  it('bounds the highlights of one line', () => {
    expect(compileFilter({ query: 'a', stream: 'all', regex: true }).matcher!('a'.repeat(MAIN_THREAD_LINE_CHARS))).toHaveLength(MAX_HIGHLIGHTS);
  });
});

describe('compileFilter with a hostile regular expression', () => {
  const rows: LogRow[] = [line(1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'), line(2, 'error', 'stderr')];

  it.each([
    '(a+)+$',
    '(a*)*b',
    '(a|a)*$',
    '(.*)*x',
    '(\\w+\\s?)*$',
    '(x+x+)+y',
    '(?:a+){2,}$',
    '(a+){1,50}$',
    '^(([a-z])+.)+[A-Z]([a-z])+$',
    '(\\d|\\w)+$',
    '(a)\\1*$',
    '(?<w>a)(?:b\\k<w>)+$',
    // A bounded repeat around an unbounded one multiplies the ways as well (found in review).
    '(\\S+\\s?){6}ERROR',
    '(a+){10}b',
    // A shorter alternative that what may follow it can continue as the longer one does: `aa` is `a` `a` too.
    '(a|aa)*$',
    '(a|ab|b)*$',
    '(ab|abc|c)*x',
    // An optional part inside a repeat, and a count that varies: `aa` is one turn or two, `aaaaaa` two turns or three.
    '(a?a?)*x',
    '(a?b?)+$',
    '(a{2,3})*$',
    '((aa|b?){3})+!x',
    '((a|){3})+x',
    // The empty alternative spelt as an assertion (found in review: seconds on a dozen a's).
    '((a|\\B){3})+x',
    '((a|(?=a)){3})+x',
    // Characters beyond ASCII overlap as surely (found in review: seconds on two dozen of them).
    '(ü+)+x',
    '([а-я]+\\s?)+$',
    '(文|[一-龥])+x',
    '(\\u00fc+)+x',
  ])('refuses %j with a message, and filters by stream and level only, testing no line with it', (query) => {
    const compiled = compileFilter({ query, stream: 'stderr', regex: true });

    expect(compiled.error).toMatch(/exponential time/);
    expect(compiled.matcher).toBeUndefined();
    expect(filterRows(rows, compiled).map((row) => row.key)).toEqual(['line:2']);
  });

  it.each([
    '.*.*x',
    'a*a*a*x',
    '(.*)(.*)x',
    'id=\\d+\\d*\\d+x$',
    '.*a.*a.*a.*a.*ax',
    '.*=.*=.*x',
    '\\w+\\w+\\w+=',
    '^\\w+\\w+\\w+\\w+=',
    '\\w+\\w+=.*.*x',
    '.*\\w+=',
    // Found in review: half a second on one 1,024-character line (a minified JSON line is one "word").
    '\\w+\\w+=',
    '\\S+\\S+=',
    '[^ ]+[^ ]+=',
    '^\\S*\\S*\\S*=',
    // Repeats in optional groups and in alternatives are side by side too (found in review: seconds).
    '(.*)?(.*)?(.*)?x',
    '(?:.*|b)(?:.*|b)(?:.*|b)x',
  ])(
    'refuses %j, whose repeats side by side make the work grow with a power of the line’s length',
    (query) => {
      const compiled = compileFilter({ query, stream: 'stderr', regex: true });

      expect(compiled.error).toMatch(/too long on some lines: repeats next to each other/);
      expect(filterRows(rows, compiled).map((row) => row.key)).toEqual(['line:2']);
    },
  );

  it('says which part of the pattern is the problem', () => {
    expect(compileFilter({ query: 'id=(\\d+)+ done', stream: 'all', regex: true }).error).toContain('(\\d+)+');
  });

  it.each([
    'status=500',
    'user=\\d*42 ',
    '^(WARN|ERROR) .*took=9\\dms',
    'orders status=\\d+ user=1\\d{4} ',
    'took=(1|2)\\dms req=\\w*z',
    '(\\d+,)*\\d+',
    '(\\w+\\.)+com',
    '(ab+)+',
    '(\\d{1,3}\\.){3}\\d{1,3}',
    'a.*b',
    '[^"]*"(\\\\.|[^"\\\\])*"',
    '(?:GET|POST) /api/\\w+',
    '\\b(error|warn(ing)?)\\b',
    '.*x',
    '^.*.*x',
    '.*error.*',
    'GET.*500.*ms',
    '\\d+\\.\\d+',
    '\\d+\\s*\\d+',
    // Alternatives that start alike, but what follows `a` is never the `b` of `ab`: each text matches one way.
    '(a|ab)*',
    '(ab|ac)+x',
    '(?:\\bfoo|bar)+',
    '(ä|äb)*',
    '\\w+=\\w+',
  ])('accepts the ordinary pattern %j', (query) => {
    expect(compileFilter({ query, stream: 'all', regex: true }).error).toBeUndefined();
  });

  it('tests a case-insensitive pattern case-insensitively for overlaps too', () => {
    expect(compileFilter({ query: '(a|A)+$', stream: 'all', regex: true }).error).toMatch(/exponential/);
    expect(compileFilter({ query: '(a|A)+$', stream: 'all', regex: true, caseSensitive: true }).error).toBeUndefined();
  });
});

describe('compileFilter on lines too long for the main thread', () => {
  const long = line(1, `${'a'.repeat(MAIN_THREAD_LINE_CHARS)} error`);
  const short = line(2, 'a short error');

  /** A long-line matcher answering from a table once asked, as the worker would later. */
  const fakeLongLines = () => {
    const asked: string[] = [];
    const answers = new Map<string, boolean>();
    const matcher: LongLineMatcher = {
      test: (row) => {
        asked.push(row.plain);
        return answers.get(row.plain);
      },
      ranges: (text) => (answers.get(text) ? [[text.length - 5, text.length]] : undefined),
    };
    return { asked, answers, matcher };
  };

  it('asks the long-line matcher about a long line, and hides it until answered', () => {
    const fake = fakeLongLines();
    const compiled = compileFilter({ query: '.*error', stream: 'all', regex: true }, { longLines: () => fake.matcher });

    expect(filterRows([long, short], compiled).map((row) => row.key)).toEqual(['line:2']);
    expect(fake.asked).toEqual([long.plain]);

    fake.answers.set(long.plain, true);
    expect(filterRows([long, short], compiled).map((row) => row.key)).toEqual(['line:1', 'line:2']);
    expect(compiled.matcher!(long.plain)).toEqual([[long.plain.length - 5, long.plain.length]]);
  });

  it('hides an unanswered long line when inverted too, and keeps it once known not to match', () => {
    const fake = fakeLongLines();
    const compiled = compileFilter({ query: 'nothing', stream: 'all', regex: true, invert: true }, { longLines: () => fake.matcher });

    expect(filterRows([long, short], compiled).map((row) => row.key)).toEqual(['line:2']);
    fake.answers.set(long.plain, false);
    expect(filterRows([long, short], compiled).map((row) => row.key)).toEqual(['line:1', 'line:2']);
  });

  it('never runs a regular expression over a long line itself: without a long-line matcher, no long line matches', () => {
    const compiled = compileFilter({ query: 'error', stream: 'all', regex: true });

    expect(filterRows([long, short], compiled).map((row) => row.key)).toEqual(['line:2']);
    expect(compiled.matcher!(long.plain)).toEqual([]);
  });

  it('still searches a long line for a substring (linear, so safe)', () => {
    expect(filterRows([long, short], compileFilter({ query: 'error', stream: 'all' })).map((row) => row.key)).toEqual(['line:1', 'line:2']);
  });

  it('gives up on a pass over short lines that runs past its budget, saying so, and tests no more lines in it', () => {
    let clock = 0;
    const slow: string[] = [];
    // The clock is read once per 128 lines; here each read finds 5 ms more gone.
    const compiled = compileFilter({ query: 'line', stream: 'all', regex: true }, { now: () => (clock += 5), onSlow: (message) => slow.push(message) });
    const many = Array.from({ length: 128 * 400 }, (_, i) => line(i, `line ${i}`));

    const kept = filterRows(many, compiled);

    expect(slow).toEqual([`This pattern takes too long (over ${MAIN_THREAD_PASS_MS / 1000} s over the loaded lines); the filter is off until it changes.`]);
    expect(kept.length).toBe(128 * (MAIN_THREAD_PASS_MS / 5 + 1));
  });

  it('measures each pass on its own: passes under the budget, one after another, are not given up on', async () => {
    let clock = 0;
    const slow: string[] = [];
    const compiled = compileFilter({ query: 'line', stream: 'all', regex: true }, { now: () => (clock += 5), onSlow: (message) => slow.push(message) });
    const some = Array.from({ length: 128 * 100 }, (_, i) => line(i, `line ${i}`));

    for (let pass = 0; pass < 5; pass += 1) {
      expect(filterRows(some, compiled)).toHaveLength(some.length);
      await Promise.resolve();
    }
    expect(slow).toEqual([]);
  });

  it('shows why a pattern was stopped, and filters by stream and level only', () => {
    const compiled = compileFilter({ query: '.*x', stream: 'stderr', regex: true }, { stopped: 'This pattern takes too long' });

    expect(compiled.error).toBe('This pattern takes too long');
    expect(compiled.matcher).toBeUndefined();
    expect(filterRows([line(1, 'x'), line(2, 'y', 'stderr')], compiled).map((row) => row.key)).toEqual(['line:2']);
  });
});
