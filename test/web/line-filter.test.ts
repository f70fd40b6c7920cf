import { describe, expect, it } from 'vitest';
import { filterRows, findMatches, isFiltering } from '../../web/src/state/line-filter';
import type { LogRow } from '../../web/src/state/line-buffer';

const line = (seq: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): LogRow => ({
  kind: 'line',
  key: `line:${seq}`,
  seq,
  ts: '2024-05-06T07:08:09Z',
  stream,
  text,
  searchText: text.replace(/\x1b\[[0-9;]*m/g, '').toLowerCase(),
  truncated: false,
});

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

  it('returns nothing rather than wrong offsets when lowercasing changes the length', () => {
    expect(findMatches('İstanbul error', 'error')).toEqual([]);
  });
});
