import { describe, expect, it } from 'vitest';
import { countNewLines, decideScroll, END_THRESHOLD_PX, leavesEnd, NewLineCounter, pausePoint, reanchor } from '../../web/src/state/follow-scroll';
import { createFollowStore } from '../../web/src/state/follow-store';
import { LineBuffer, type LogRow } from '../../web/src/state/line-buffer';
import { RowLayout } from '../../web/src/state/row-layout';
import { lineRow } from './line-rows';

const restart = (n: number): LogRow => ({ kind: 'restart', key: `restart:${n}` });
const gap = (from: number, to: number): LogRow => ({ kind: 'gap', key: `gap:${from}`, fromSeq: from, toSeq: to, state: 'fetching' });

describe('decideScroll', () => {
  const sample = (distanceFromEnd: number, extra: { ours?: boolean; pointerDown?: boolean } = {}) => ({ distanceFromEnd, ours: false, pointerDown: false, ...extra });

  it('ignores the view’s own writes while following, and re-anchors on them while paused', () => {
    expect(decideScroll(true, sample(500, { ours: true }))).toBe('none');
    expect(decideScroll(false, sample(500, { ours: true }))).toBe('anchor');
  });

  it('follows again when the reader reaches the bottom', () => {
    expect(decideScroll(false, sample(0))).toBe('follow');
    expect(decideScroll(false, sample(END_THRESHOLD_PX))).toBe('follow');
    expect(decideScroll(true, sample(0))).toBe('none');
  });

  it('pauses when the reader drags away from the bottom', () => {
    expect(decideScroll(true, sample(300, { pointerDown: true }))).toBe('pause');
  });

  it('sticks to the end when something else moved the view while following (a measured row, a clamp)', () => {
    expect(decideScroll(true, sample(40))).toBe('stick');
  });

  it('keeps the anchor current while paused', () => {
    expect(decideScroll(false, sample(300))).toBe('anchor');
    expect(decideScroll(false, sample(300, { pointerDown: true }))).toBe('anchor');
  });
});

describe('leavesEnd', () => {
  it.each([
    [{ kind: 'wheel', deltaY: -3 }, true],
    [{ kind: 'wheel', deltaY: 3 }, false],
    [{ kind: 'key', key: 'PageUp' }, true],
    [{ kind: 'key', key: 'ArrowUp' }, true],
    [{ kind: 'key', key: 'Home' }, true],
    [{ kind: 'key', key: 'End' }, false],
    [{ kind: 'key', key: 'a' }, false],
  ] as const)('%j moves away from the end: %s', (input, expected) => {
    expect(leavesEnd(input, true)).toBe(expected);
  });

  it('is never a pause when the view cannot scroll', () => {
    expect(leavesEnd({ kind: 'wheel', deltaY: -3 }, false)).toBe(false);
  });
});

describe('countNewLines', () => {
  const rows = (...seqs: number[]) => seqs.map((seq) => lineRow(seq, `line ${seq}`));

  it('counts the lines after the last one held at the pause', () => {
    const at = pausePoint(rows(1, 2, 3));
    expect(countNewLines(rows(1, 2, 3), at)).toBe(0);
    expect(countNewLines(rows(1, 2, 3, 4, 5), at)).toBe(2);
  });

  it('counts only lines, not gap markers', () => {
    const at = pausePoint(rows(1, 2));
    expect(countNewLines([...rows(1, 2), gap(3, 4), ...rows(5)], at)).toBe(1);
  });

  it('still counts when the oldest lines were trimmed or filtered away', () => {
    const at = pausePoint(rows(1, 2, 3));
    expect(countNewLines(rows(7, 9, 10), at)).toBe(3);
    expect(countNewLines(rows(2, 9), at)).toBe(1);
  });

  it('counts every line after a restart that came since the pause', () => {
    const at = pausePoint(rows(1, 2, 3, 4, 5));
    expect(countNewLines([restart(1), ...rows(1, 2)], at)).toBe(2);
  });

  it('is not fooled by a restart before the pause', () => {
    const held = [...rows(8, 9), restart(1), ...rows(1, 2)];
    const at = pausePoint(held);
    expect(at).toEqual({ lastSeq: 2, restarts: 1 });
    expect(countNewLines([...held, ...rows(3, 4)], at)).toBe(2);
  });

  it('counts every line when nothing was held at the pause', () => {
    expect(countNewLines(rows(1, 2), pausePoint([]))).toBe(2);
  });
});

describe('NewLineCounter', () => {
  const rows = (...seqs: number[]) => seqs.map((seq) => lineRow(seq, `line ${seq}`));

  it('counts as countNewLines does while lines are appended and the oldest dropped, past the pause point', () => {
    const held = rows(1, 2, 3);
    const counter = new NewLineCounter(pausePoint(held));
    let current: LogRow[] = held;
    const counts: number[] = [];
    for (let seq = 4; seq <= 12; seq += 2) {
      // Two lines in, the oldest out (a view at its cap of 3).
      current = [...current, ...rows(seq, seq + 1)].slice(-3);
      counts.push(counter.count({ rows: current, rewrites: 0 }));
      expect(counts.at(-1)).toBe(countNewLines(current, pausePoint(held)));
    }
    expect(counts).toEqual([2, 3, 3, 3, 3]);
  });

  it('counts a line that filled a gap in place after the pause (the rows as many as before) as countNewLines does', () => {
    const buffer = new LineBuffer();
    const line = (seq: number) => ({ seq, ts: `2026-12-01T18:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout' as const, text: `line ${seq}` });
    buffer.addLive([1, 2, 3].map(line), 1);
    const since = pausePoint(buffer.rows);
    // Seq 5's batch was lost: a gap among the new lines.
    buffer.addLive([4, 6, 7].map(line), 1);
    const counter = new NewLineCounter(since);
    expect(counter.count(buffer)).toBe(3);

    buffer.fillGap(4, 5, [line(5)], true);

    expect(countNewLines(buffer.rows, since)).toBe(4);
    expect(counter.count(buffer)).toBe(4);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('always gives countNewLines’ count, over seeded runs of appends, drops, restarts, gaps, old lines and rewrites (seed %i)', (seed) => {
    let state = seed * 7919;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    let seq = 0;
    let restarts = 0;
    const next = (): LogRow => {
      const pick = random();
      if (pick < 0.03) {
        restarts += 1;
        seq = 0;
        return restart(restarts);
      }
      if (pick < 0.08) return gap(seq + 1, seq + 2);
      // Now and then a line of an older seq (a fetched gap's line placed at the end).
      if (pick < 0.12) return lineRow(Math.max(1, seq - 3), 'late');
      seq += 1;
      return lineRow(seq, `line ${seq}`);
    };
    let current: LogRow[] = Array.from({ length: 20 }, next);
    // Changes other than appends and front drops, counted as a buffer counts them.
    let rewrites = 0;
    for (let pause = 0; pause < 4; pause += 1) {
      const since = pausePoint(current);
      const counter = new NewLineCounter(since);
      for (let step = 0; step < 60; step += 1) {
        const change = random();
        if (change < 0.1) {
          current = current.filter((_, i) => i % 3 !== 0);
          rewrites += 1;
        } else if (change < 0.15) {
          // A gap filled in place by a line: the same length, both ends the same rows.
          const at = current.findIndex((row, i) => row.kind === 'gap' && i > 0 && i < current.length - 1);
          if (at !== -1) {
            const filled = current[at] as Extract<LogRow, { kind: 'gap' }>;
            current = current.with(at, lineRow(filled.fromSeq, 'filled'));
            rewrites += 1;
          }
        } else {
          const added = Array.from({ length: Math.floor(random() * 6) }, next);
          const dropped = Math.floor(random() * 5);
          current = [...current, ...added].slice(dropped);
        }
        expect(counter.count({ rows: current, rewrites })).toBe(countNewLines(current, since));
      }
    }
  });
});

describe('the follow store', () => {
  it('follows until paused, and follows again on request', () => {
    const store = createFollowStore();
    expect(store.following()).toBe(true);
    store.pause();
    expect(store.following()).toBe(false);
    store.follow();
    expect(store.following()).toBe(true);
  });
});

describe('reanchor: the reader’s row while paused, after the rows changed', () => {
  it('lets go of the reader’s line when the numbering restarts (a new epoch), not taking the new run’s line of the same seq for it', () => {
    const buffer = new LineBuffer();
    const line = (seq: number, run: string) => ({ seq, ts: `2026-12-01T18:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout' as const, text: `${run} run ${seq}` });
    buffer.addLive(Array.from({ length: 50 }, (_, i) => line(i + 1, 'old')), 1);
    const layout = new RowLayout<LogRow>(() => 20);
    layout.update(buffer);
    const anchor = { key: buffer.rows[29]!.key, index: 29, offset: 0 };

    buffer.addLive(Array.from({ length: 40 }, (_, i) => line(i + 1, 'new')), 2);

    expect(reanchor(anchor, layout.update(buffer), layout.rows)).toBeUndefined();
  });

  const keyed = (...keys: string[]) => keys.map((key) => ({ key }));

  it('moves it up by the rows dropped at the cap, keeping the offset into it', () => {
    expect(reanchor({ key: 'c', index: 2, offset: 7 }, { kind: 'shifted', dropped: 2, droppedPx: 40 }, keyed('c', 'd', 'e'))).toEqual({ key: 'c', index: 0, offset: 7 });
  });

  it('holds on to the top of what is left when the cap dropped the reader’s row itself (the dropped marker above it stays in view)', () => {
    expect(reanchor({ key: 'a', index: 0, offset: -28 }, { kind: 'shifted', dropped: 3, droppedPx: 60 }, keyed('d', 'e'))).toEqual({ key: 'd', index: 0, offset: -28 });
    expect(reanchor({ key: 'b', index: 1, offset: 12 }, { kind: 'shifted', dropped: 3, droppedPx: 60 }, keyed('d', 'e'))).toEqual({ key: 'd', index: 0, offset: 0 });
  });

  it('finds the row again by key when the rows changed otherwise (a filter, older lines above)', () => {
    expect(reanchor({ key: 'c', index: 0, offset: 3 }, { kind: 'rebuilt' }, keyed('a', 'b', 'c'))).toEqual({ key: 'c', index: 2, offset: 3 });
  });

  it('lets go when the row is gone otherwise (filtered out, the numbering restarted)', () => {
    expect(reanchor({ key: 'c', index: 0, offset: 3 }, { kind: 'rebuilt' }, keyed('a', 'b'))).toBeUndefined();
  });

  it('keeps it when nothing changed', () => {
    const anchor = { key: 'x', index: 5, offset: 1 };
    expect(reanchor(anchor, { kind: 'same' }, keyed('x'))).toBe(anchor);
  });
});
