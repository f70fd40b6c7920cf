import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../protocol';
import { LineBuffer } from '../../web/src/state/line-buffer';
import { compileFilter, filterRows } from '../../web/src/state/line-filter';
import { createRowFilter } from '../../web/src/state/row-filter';

const line = (seq: number, text = `line ${seq}${seq % 3 === 0 ? ' error' : ''}`): LogLine => ({ seq, ts: `2026-11-25T12:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout', text });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const snapshot = (buffer: LineBuffer) => ({ rows: buffer.rows, rewrites: buffer.rewrites });
const errors = compileFilter({ query: 'error', stream: 'all' });

describe('the incremental row filter', () => {
  it('gives what filtering everything gives, as lines are appended and the oldest trimmed', () => {
    const buffer = new LineBuffer({ capacity: 50 });
    const filter = createRowFilter();
    for (let batch = 0; batch < 20; batch += 1) {
      buffer.addLive(lines(batch * 7 + 1, batch * 7 + 7));
      expect(filter(snapshot(buffer), errors).rows).toEqual(filterRows(buffer.rows, errors));
    }
    expect(buffer.trimmed).toBeGreaterThan(0);
  });

  it('tests only the new rows when the rows only grew', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 10));
    let tested = 0;
    const counting = { ...errors, keep: (row: Parameters<typeof errors.keep>[0]) => (tested += 1, errors.keep(row)) };
    const filter = createRowFilter();
    filter(snapshot(buffer), counting);
    tested = 0;
    buffer.addLive(lines(11, 13));
    expect(filter(snapshot(buffer), counting).rows.map((row) => row.key)).toEqual(['line:3', 'line:6', 'line:9', 'line:12']);
    expect(tested).toBe(3);
  });

  it('filters everything again when a gap is filled in the middle, a notice placed among the lines, or the filter changed', () => {
    const buffer = new LineBuffer();
    const filter = createRowFilter();
    buffer.addLive([line(1), line(2), line(6), line(7)]);
    filter(snapshot(buffer), errors);
    buffer.fillGap(2, 5, [line(3), line(4), line(5)], true);
    expect(filter(snapshot(buffer), errors).rows).toEqual(filterRows(buffer.rows, errors));
    expect(filter(snapshot(buffer), errors).rows.map((row) => row.key)).toContain('line:3');

    buffer.addNotice({ notice: 'container', at: Date.parse('2026-11-25T12:00:00.000000004Z'), state: 'exited', status: 'Exited (0)' });
    expect(filter(snapshot(buffer), errors).rows).toEqual(filterRows(buffer.rows, errors));

    const other = compileFilter({ query: 'line 7', stream: 'all' });
    expect(filter(snapshot(buffer), other).rows).toEqual(filterRows(buffer.rows, other));
  });

  it('counts its changes other than appends and front trims (rewrites): the same over an append, one more over a gap filled in place or another filter', () => {
    const buffer = new LineBuffer();
    const filter = createRowFilter();
    buffer.addLive([line(1), line(3), line(6)]);
    const first = filter(snapshot(buffer), errors);

    buffer.addLive([line(9)]);
    const appended = filter(snapshot(buffer), errors);
    buffer.fillGap(3, 5, [line(4), line(5)], true);
    const filled = filter(snapshot(buffer), errors);
    const unfiltered = filter(snapshot(buffer), compileFilter({ query: '', stream: 'all' }));

    expect(appended.rewrites).toBe(first.rewrites);
    expect(filled.rewrites).toBe(appended.rewrites + 1);
    expect(unfiltered.rewrites).toBe(filled.rewrites + 1);
  });

  it('passes the rows through untouched when nothing is filtered', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 3));
    expect(createRowFilter()(snapshot(buffer), compileFilter({ query: '', stream: 'all' })).rows).toBe(buffer.rows);
  });

  it('starts over after the numbering restarted', () => {
    const buffer = new LineBuffer();
    const filter = createRowFilter();
    buffer.addLive(lines(1, 6), 1);
    filter(snapshot(buffer), errors);
    buffer.addLive(lines(1, 3), 2);
    expect(filter(snapshot(buffer), errors).rows).toEqual(filterRows(buffer.rows, errors));
  });
});
