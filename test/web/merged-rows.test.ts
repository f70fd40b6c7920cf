/**
 * The merged view's order (state/merged-rows.ts): several containers' rows interleaved by their
 * timestamps compared to the nanosecond, ties broken by container then seq, kept right as live
 * lines, history, gap fills and older lines arrive for either container — on the real LineBuffer.
 */
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../protocol';
import { LineBuffer } from '../../web/src/state/line-buffer';
import { createRowMerger, type MergedRow, type MergeSource } from '../../web/src/state/merged-rows';
import { compileFilter, filterRows } from '../../web/src/state/line-filter';
import { createRowFilter } from '../../web/src/state/row-filter';

const A = 'agent-1/api';
const B = 'agent-1/db';

/** A line at 2026-11-25T12:00:SS.<nanos>Z, nanos as nine digits. */
const at = (seconds: number, nanos: string | number) => `2026-11-25T12:00:${String(seconds).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;
const line = (seq: number, ts: string, text = `line ${seq}`): LogLine => ({ seq, ts, stream: 'stdout', text });
const source = (id: string, buffer: LineBuffer): MergeSource => ({ id, rows: buffer.rows, trimmed: buffer.trimmed, rewrites: buffer.rewrites });
/** Each merged row as `source:seq` (lines) or `source:kind` (markers). */
const shape = (rows: readonly MergedRow[]) => rows.map((row) => `${row.source === A ? 'A' : 'B'}:${row.kind === 'line' ? row.seq : row.kind}`);
/** Nanoseconds since the epoch, exactly (a bigint), for a reference order. */
const nanosOf = (ts: string): bigint => {
  const [whole, fraction = '0'] = ts.slice(0, -1).split('.');
  return BigInt(Date.parse(`${whole}Z`)) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
};

describe('the merged rows of several containers', () => {
  it('interleaves two containers’ lines by timestamp', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    a.addLive([line(1, at(1, 0)), line(2, at(3, 0)), line(3, at(5, 0))], 7);
    b.addLive([line(1, at(2, 0)), line(2, at(4, 0))], 9);

    const merged = createRowMerger()([source(A, a), source(B, b)]);

    expect(shape(merged.rows)).toEqual(['A:1', 'B:1', 'A:2', 'B:2', 'A:3']);
  });

  it('orders timestamps that differ only in nanoseconds a JS number cannot tell apart', () => {
    const earlier = at(0, 123_456_788);
    const later = at(0, 123_456_789);
    // As numbers of nanoseconds the two are the same double: comparing them so would be a tie.
    expect(Number(nanosOf(earlier))).toBe(Number(nanosOf(later)));
    const a = new LineBuffer();
    const b = new LineBuffer();
    a.addLive([line(1, later)], 7);
    b.addLive([line(1, earlier)], 9);

    expect(shape(createRowMerger()([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'A:1']);
  });

  it.each([
    ['the first container’s lines arrive first', true],
    ['the second container’s lines arrive first', false],
  ])('breaks a tie of equal timestamps by container, then seq, whichever arrives first (%s)', (_, aFirst) => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    const same = at(7, 5);
    const sources = () => [source(A, a), source(B, b)];
    if (aFirst) a.addLive([line(1, same), line(2, same)], 7);
    else b.addLive([line(1, same), line(2, same)], 9);
    merge(sources());
    if (aFirst) b.addLive([line(1, same), line(2, same)], 9);
    else a.addLive([line(1, same), line(2, same)], 7);

    expect(shape(merge(sources()).rows)).toEqual(['A:1', 'A:2', 'B:1', 'B:2']);
  });

  it('appends live lines at the end without a rewrite, and says how many went from the front when a buffer trims', () => {
    const a = new LineBuffer({ capacity: 3 });
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0)), line(2, at(2, 0))], 7);
    b.addLive([line(1, at(3, 0))], 9);
    const first = merge([source(A, a), source(B, b)]);

    a.addLive([line(3, at(4, 0)), line(4, at(5, 0))], 7);
    const next = merge([source(A, a), source(B, b)]);

    expect(shape(next.rows)).toEqual(['A:2', 'B:1', 'A:3', 'A:4']);
    expect(next.rewrites).toBe(first.rewrites);
    expect(next.trimmed - first.trimmed).toBe(1);
  });

  it('places a history that comes after another container’s live lines before them, by time', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(10, at(10, 0)), line(11, at(11, 0))], 7);
    b.beginHistory();
    merge([source(A, a), source(B, b)]);

    b.addHistory([line(1, at(9, 0)), line(2, at(10, 500))], true, 9);

    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'A:10', 'B:2', 'A:11']);
  });

  it('puts the lines of a filled gap where their times say, and the gap marker before that where the gap was', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0)), line(2, at(3, 0)), line(3, at(5, 0))], 7);
    b.addLive([line(1, at(0, 0)), line(4, at(6, 0))], 9);
    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'B:gap', 'A:1', 'A:2', 'A:3', 'B:4']);

    b.fillGap(1, 3, [line(2, at(2, 0)), line(3, at(4, 0))], true);

    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'A:1', 'B:2', 'A:2', 'B:3', 'A:3', 'B:4']);
  });

  it('merges older lines loaded by scrolling back into their places', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(5, at(10, 0))], 7);
    b.addLive([line(1, at(2, 0)), line(2, at(11, 0))], 9);
    merge([source(A, a), source(B, b)]);

    a.prependOlder([line(1, at(1, 0)), line(2, at(3, 0)), line(3, at(4, 0)), line(4, at(9, 0))]);

    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['A:1', 'B:1', 'A:2', 'A:3', 'A:4', 'A:5', 'B:2']);
  });

  it('keeps a container’s own order when one of its lines is stamped before the line ahead of it', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    // stdout and stderr are copied apart by Docker: seq 2 may carry an earlier time than seq 1.
    a.addLive([line(1, at(5, 0)), line(2, at(3, 0)), line(3, at(6, 0))], 7);
    b.addLive([line(1, at(4, 0)), line(2, at(5, 500))], 9);

    expect(shape(createRowMerger()([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'A:1', 'A:2', 'B:2', 'A:3']);
  });

  it('keeps a marker right below the line it follows', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0))], 7);
    b.addLive([line(1, at(2, 0))], 9);
    merge([source(A, a), source(B, b)]);

    a.addNotice({ notice: 'reconnected', at: Date.parse(at(9, 0)) });
    b.addLive([line(2, at(1, 500))], 9);
    a.addLive([line(2, at(3, 0))], 7);

    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['A:1', 'A:notice', 'B:1', 'B:2', 'A:2']);
  });

  it('holds at most its capacity, the newest rows, letting go of the oldest at the front', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger({ capacity: 3 });
    a.addLive([line(1, at(1, 0)), line(2, at(3, 0))], 7);
    b.addLive([line(1, at(2, 0)), line(2, at(4, 0))], 9);
    const first = merge([source(A, a), source(B, b)]);
    expect(shape(first.rows)).toEqual(['B:1', 'A:2', 'B:2']);

    a.addLive([line(3, at(5, 0))], 7);
    const next = merge([source(A, a), source(B, b)]);

    expect(shape(next.rows)).toEqual(['A:2', 'B:2', 'A:3']);
    expect(next.trimmed - first.trimmed).toBe(1);
    expect(next.rewrites).toBe(first.rewrites);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createRowMerger({ capacity: 0 })).toThrow(RangeError);
  });

  it('gives every row a key no other container’s row has', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    a.addLive([line(1, at(1, 0))], 7);
    b.addLive([line(1, at(1, 0))], 7);

    const keys = createRowMerger()([source(A, a), source(B, b)]).rows.map((row) => row.key);

    expect(new Set(keys).size).toBe(2);
  });

  it('lets go of a container taken out of the view', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0))], 7);
    b.addLive([line(1, at(2, 0))], 9);
    merge([source(A, a), source(B, b)]);

    expect(shape(merge([source(B, b)]).rows)).toEqual(['B:1']);
  });

  it('ends in the order of every line sorted by exact time, container and seq, however the lines arrived', () => {
    // A seeded walk: live batches, histories and trims of two containers arriving in a random order.
    let seed = 20261201;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const a = new LineBuffer({ capacity: 400 });
    const b = new LineBuffer({ capacity: 400 });
    const merge = createRowMerger();
    const filter = createRowFilter();
    const next: Record<string, number> = { [A]: 1, [B]: 1 };
    const compiled = compileFilter({ query: '7', stream: 'all' });
    let clock = 0n;
    const stamp = () => {
      // Steps of 0–3 ns from a base past 2^53 ns: the last digits decide, and often tie.
      clock += BigInt(Math.floor(random() * 4));
      const nanos = 1_764_072_000_000_000_000n + clock;
      const seconds = nanos / 1_000_000_000n;
      return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${String(nanos % 1_000_000_000n).padStart(9, '0')}Z`;
    };
    let result = merge([source(A, a), source(B, b)]);
    for (let step = 0; step < 300; step += 1) {
      const [id, buffer] = random() < 0.5 ? [A, a] : [B, b];
      const count = 1 + Math.floor(random() * 5);
      buffer.addLive(Array.from({ length: count }, () => line(next[id]!++, stamp())), 7);
      result = merge([source(A, a), source(B, b)]);
      // The filter after it follows incrementally too, and agrees with filtering everything.
      expect(filter(result, compiled).rows).toEqual(filterRows(result.rows, compiled));
    }

    // Every line both buffers hold, sorted by exact time (bigints), container and seq.
    const held = [...a.rows.map((row) => ({ row, source: A })), ...b.rows.map((row) => ({ row, source: B }))].map(({ row, source }) => ({ ...row, source }) as MergedRow);
    const reference = held.sort((x, y) => {
      const byTime = nanosOf((x as { ts: string }).ts) - nanosOf((y as { ts: string }).ts);
      return byTime !== 0n ? (byTime < 0n ? -1 : 1) : x.source.localeCompare(y.source) || (x as { seq: number }).seq - (y as { seq: number }).seq;
    });
    // The merged rows are the newest of them, from where the trims left every container's lines there.
    expect(result.rows.length).toBeGreaterThanOrEqual(400);
    expect(shape(result.rows)).toEqual(shape(reference.slice(reference.length - result.rows.length)));
  });

  it('appends lines of both containers arriving in the same frame, interleaved, without a rewrite', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0))], 7);
    b.addLive([line(1, at(1, 5))], 9);
    const first = merge([source(A, a), source(B, b)]);

    a.addLive([line(2, at(2, 0)), line(3, at(4, 0))], 7);
    b.addLive([line(2, at(3, 0)), line(3, at(5, 0))], 9);
    const next = merge([source(A, a), source(B, b)]);

    expect(shape(next.rows)).toEqual(['A:1', 'B:1', 'A:2', 'B:2', 'A:3', 'B:3']);
    expect(next.rewrites).toBe(first.rewrites);
  });

  it('lets go of the rows of others older than the rows a container trimmed, as a trim at the front, and counts them when their own buffer trims', () => {
    const a = new LineBuffer({ capacity: 2 });
    const b = new LineBuffer({ capacity: 3 });
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0)), line(2, at(3, 0))], 7);
    b.addLive([line(1, at(0, 5)), line(2, at(4, 0))], 9);
    const first = merge([source(A, a), source(B, b)]);
    expect(shape(first.rows)).toEqual(['B:1', 'A:1', 'A:2', 'B:2']);

    a.addLive([line(3, at(5, 0))], 7);
    const cut = merge([source(A, a), source(B, b)]);
    expect(shape(cut.rows)).toEqual(['A:2', 'B:2', 'A:3']);
    expect(cut.trimmed - first.trimmed).toBe(2);
    expect(cut.rewrites).toBe(first.rewrites);

    // B's own trim of its line 1, already let go of, takes nothing more.
    b.addLive([line(3, at(6, 0)), line(4, at(7, 0))], 9);
    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['A:2', 'B:2', 'A:3', 'B:3', 'B:4']);
  });

  it('merges a container that holds only markers (a reset with nothing since) beside one still loading, and loses none of the other’s rows after', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([line(1, at(1, 0)), line(2, at(2, 0))], 7);
    b.beginHistory();
    merge([source(A, a), source(B, b)]);
    a.restart(8, 'reset');
    a.addHistory([], true, 8);
    merge([source(A, a), source(B, b)]);
    b.addHistory([line(1, at(3, 0)), line(2, at(4, 0))], true, 9);
    merge([source(A, a), source(B, b)]);
    a.addLive([line(1, at(5, 0))], 8);
    b.addLive([line(3, at(6, 0))], 9);

    // The marker goes with A's first line after it, as a container's rows without a time do.
    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual(['B:1', 'B:2', 'A:restart', 'A:1', 'B:3']);
  });

  it('merges a container whose only row is the marker of a lost batch', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    const merge = createRowMerger();
    a.addLive([], 7, [{ fromSeq: 1, toSeq: 3 }]);
    merge([source(A, a), source(B, b)]);
    b.addLive([line(1, at(1, 0))], 9);

    expect(shape(merge([source(A, a), source(B, b)]).rows)).toEqual([`A:${a.rows[0]!.kind}`, 'B:1']);
  });
});

describe('the merged rows: a container with no rows whose numbering restarted', () => {
  it('follows its later appends incrementally, without merging the rows afresh', () => {
    const a = new LineBuffer();
    const b = new LineBuffer();
    a.addHistory([line(1, at(1, 0))], true, 1);
    b.addHistory([], true, 1); // subscribed, nothing written yet: an epoch, no rows
    const merge = createRowMerger();
    merge([source(A, a), source(B, b)]);
    b.addLive([line(1, at(2, 0))], 2); // a new numbering before any row was held: no marker
    const first = merge([source(A, a), source(B, b)]);
    expect(shape(first.rows)).toEqual(['A:1', 'B:1']);

    b.addLive([line(2, at(3, 0))], 2);
    const second = merge([source(A, a), source(B, b)]);
    expect(shape(second.rows)).toEqual(['A:1', 'B:1', 'B:2']);
    expect(second.rewrites).toBe(first.rewrites);
    b.addLive([line(3, at(4, 0))], 2);
    expect(merge([source(A, a), source(B, b)]).rewrites).toBe(first.rewrites);
  });
});
