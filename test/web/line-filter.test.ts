import { describe, expect, it } from 'vitest';
import { filterRows, findMatches, matchesQuery } from '../../web/src/state/line-filter';
import type { LogRow } from '../../web/src/state/line-buffer';

const line = (seq: number, text: string): LogRow => ({
  kind: 'line',
  key: `line:${seq}`,
  seq,
  ts: '2024-05-06T07:08:09Z',
  stream: 'stdout',
  text,
  plain: text.replace(/\x1b\[[0-9;]*m/g, ''),
  truncated: false,
});

describe('matchesQuery', () => {
  it.each([
    ['GET /health 200', 'get', true],
    ['GET /health 200', 'HEALTH', true],
    ['GET /health 200', ' 200', true],
    ['GET /health 200', 'post', false],
    ['anything', '', true],
  ])('%j with query %j → %s', (text, query, expected) => {
    expect(matchesQuery(text, query)).toBe(expected);
  });
});

describe('filterRows', () => {
  const rows: LogRow[] = [
    line(1, 'Server started'),
    line(2, 'error: disk full'),
    { kind: 'gap', key: 'gap:3', fromSeq: 3, toSeq: 4 },
    line(5, '\x1b[31mERROR\x1b[0m again'),
  ];

  it('returns the same array for an empty query', () => {
    expect(filterRows(rows, '')).toBe(rows);
  });

  it('keeps matching lines case-insensitively and searches text without ANSI escapes', () => {
    const result = filterRows(rows, 'error');

    expect(result.map((row) => row.key)).toEqual(['line:2', 'gap:3', 'line:5']);
  });

  it('does not match the escape codes themselves', () => {
    expect(filterRows(rows, '[31m').filter((row) => row.kind === 'line')).toEqual([]);
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
