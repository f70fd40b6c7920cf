import { describe, expect, it } from 'vitest';
import { createJumpStore } from '../../web/src/state/jump-store';
import { findPlace } from '../../web/src/state/jump-target';
import type { LineRow, LogRow } from '../../web/src/state/line-buffer';
import { lineRow } from './line-rows';

const at = (seq: number, ts: string): LineRow => ({ ...lineRow(seq, `line ${seq}`), ts });
const rows: LogRow[] = [
  at(1, '2026-11-25T12:00:00.000000001Z'),
  { kind: 'gap', key: 'gap:2', fromSeq: 2, toSeq: 3, state: 'missing' },
  at(4, '2026-11-25T12:00:00.000000002Z'),
  at(6, '2026-11-25T12:00:00.000000009Z'),
];

describe('finding a place among the rows', () => {
  it('finds a line by its seq', () => {
    expect(findPlace(rows, { seq: 4 }, true)?.seq).toBe(4);
  });

  it('takes the next line when the seq is not shown (filtered out, or missing)', () => {
    expect(findPlace(rows, { seq: 5 }, true)?.seq).toBe(6);
    expect(findPlace(rows, { seq: 2 }, true)?.seq).toBe(4);
  });

  it('waits for the whole history before settling for a later line', () => {
    expect(findPlace(rows, { seq: 5 }, false)).toBeUndefined();
    expect(findPlace(rows, { seq: 4 }, false)?.seq).toBe(4);
  });

  it('finds the first line at or after a moment, to the nanosecond', () => {
    expect(findPlace(rows, { ts: '2026-11-25T12:00:00.000000002Z' }, true)?.seq).toBe(4);
    expect(findPlace(rows, { ts: '2026-11-25T12:00:00.000000003Z' }, true)?.seq).toBe(6);
    // Another offset, the same instant as line 4.
    expect(findPlace(rows, { ts: '2026-11-25T13:00:00.000000002+01:00' }, true)?.seq).toBe(4);
  });

  it('finds nothing after the last line', () => {
    expect(findPlace(rows, { ts: '2026-11-25T12:00:01Z' }, true)).toBeUndefined();
    expect(findPlace(rows, { seq: 7 }, true)).toBeUndefined();
  });
});

describe('the jump store', () => {
  it('keeps the place asked for, and reveals a row once found', () => {
    const jump = createJumpStore();
    jump.jumpTo({ seq: 4 });
    expect(jump.place()).toEqual({ seq: 4 });
    expect(jump.reveal()).toBeUndefined();
    jump.resolved('line:4');
    expect(jump.reveal()).toEqual({ key: 'line:4' });
  });

  it('asks anew on each jump, even to the same row', () => {
    const jump = createJumpStore();
    jump.jumpTo({ seq: 4 });
    jump.resolved('line:4');
    const first = jump.reveal();
    jump.jumpTo({ seq: 4 });
    expect(jump.reveal()).toBeUndefined();
    jump.resolved('line:4');
    expect(jump.reveal()).not.toBe(first);
  });

  it('lets go of the place when cleared', () => {
    const jump = createJumpStore();
    jump.jumpTo({ ts: '2026-11-25T12:00:00Z' });
    jump.resolved('line:1');
    jump.clear();
    expect([jump.place(), jump.reveal()]).toEqual([undefined, undefined]);
  });
});
