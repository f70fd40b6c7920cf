import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../web/src/state/line-buffer';
import { RowLayout } from '../../web/src/state/row-layout';

interface Row {
  readonly key: string;
  readonly tall?: boolean;
}

const rows = (from: number, to: number): Row[] => Array.from({ length: to - from + 1 }, (_, i) => ({ key: `r${from + i}` }));
/** 20 px a row, 30 for a tall one (a marker, say), until measured. */
const layout = () => new RowLayout<Row>((row) => (row.tall ? 30 : 20));
/** Rows as a view hands them on, with its count of changes other than appends and front drops. */
const shown = (list: readonly Row[], rewrites = 0) => ({ rows: list, rewrites });

describe('RowLayout', () => {
  it('places rows at their estimated heights until they are measured', () => {
    const list = layout();
    list.update(shown([{ key: 'a' }, { key: 'm', tall: true }, { key: 'b' }]));

    expect([list.start(0), list.start(1), list.start(2)]).toEqual([0, 20, 50]);
    expect(list.total).toBe(70);
  });

  it('moves the rows below a measured row, and only those', () => {
    const list = layout();
    list.update(shown(rows(1, 5)));

    expect(list.setSize(2, 56)).toBe(true);

    expect([list.start(2), list.start(3), list.start(4)]).toEqual([40, 96, 116]);
    expect(list.total).toBe(136);
    expect(list.setSize(2, 56)).toBe(false);
  });

  it('finds the row at an offset, the first and last at the edges', () => {
    const list = layout();
    list.update(shown(rows(1, 5)));
    list.setSize(1, 40);

    expect([list.indexAt(-10), list.indexAt(0), list.indexAt(19), list.indexAt(20), list.indexAt(59), list.indexAt(60), list.indexAt(10_000)]).toEqual([0, 0, 0, 1, 1, 2, 4]);
    expect(new RowLayout<Row>(() => 20).indexAt(0)).toBe(-1);
  });

  it('recognises rows appended and the oldest dropped, keeping what was measured', () => {
    const list = layout();
    const before = rows(1, 6);
    list.update(shown(before));
    list.setSize(1, 35);
    list.setSize(3, 50);

    const change = list.update(shown([...before.slice(2), ...rows(7, 9)]));

    expect(change).toEqual({ kind: 'shifted', dropped: 2, droppedPx: 55 });
    expect(list.length).toBe(7);
    expect([list.start(0), list.start(1), list.start(2)]).toEqual([0, 20, 70]);
    expect(list.total).toBe(170);
  });

  it('lays everything out again when rows changed otherwise, from the sizes measured by key', () => {
    const list = layout();
    const before = rows(1, 4);
    list.update(shown(before));
    list.setSize(2, 44);

    // A filter: rows 2 and 4 hidden.
    const change = list.update(shown([before[0]!, before[2]!]));

    expect(change).toEqual({ kind: 'rebuilt' });
    expect([list.start(1), list.total]).toEqual([20, 64]);
  });

  it('takes a row placed among the others as a change to lay out again, not as an append', () => {
    const list = layout();
    const before = rows(1, 3);
    list.update(shown(before));

    expect(list.update(shown([before[0]!, { key: 'notice', tall: true }, before[1]!, before[2]!])).kind).toBe('rebuilt');
    expect(list.total).toBe(90);
  });

  it('lays out again a row replaced in place — a gap filled by its line, the rows as many as before — by the new row’s estimate', () => {
    const buffer = new LineBuffer();
    const line = (seq: number) => ({ seq, ts: `2026-12-01T18:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout' as const, text: `line ${seq}` });
    buffer.addLive([1, 2, 4, 5].map(line), 1);
    const list = new RowLayout<{ key: string; kind: string }>((row) => (row.kind === 'line' ? 20 : 24));
    list.update(buffer);
    expect(list.total).toBe(4 * 20 + 24);

    buffer.fillGap(2, 3, [line(3)], true);

    expect(list.update(buffer)).toEqual({ kind: 'rebuilt' });
    expect(buffer.rows.map((row) => row.kind)).toEqual(['line', 'line', 'line', 'line', 'line']);
    expect(list.total).toBe(5 * 20);
  });

  it('says nothing changed for the same array', () => {
    const list = layout();
    const same = rows(1, 3);
    list.update(shown(same));

    expect(list.update(shown(same))).toEqual({ kind: 'same' });
  });

  it('keeps its sums right over a long flood at the cap (storage compacted many times)', () => {
    const list = layout();
    let held = rows(1, 1000);
    list.update(shown(held));
    for (let next = 1001; next <= 50_000; next += 300) {
      held = [...held.slice(300), ...rows(next, next + 299)];
      list.update(shown(held));
      list.setSize(held.length - 1, 40);
    }

    expect(list.length).toBe(1000);
    // The last row of each of the last four appends was measured at 40: rows 99, 399, 699 and 999 now.
    expect(list.start(999)).toBe(999 * 20 + 3 * 20);
    expect(list.total).toBe(1000 * 20 + 4 * 20);
    expect(list.indexAt(list.start(500))).toBe(500);
  });

  it('forgets what was measured when it no longer holds (another width, wrapping toggled)', () => {
    const list = layout();
    list.update(shown(rows(1, 3)));
    list.setSize(0, 80);

    list.forgetSizes();

    expect(list.total).toBe(60);
  });
});
