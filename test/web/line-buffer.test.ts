import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../protocol';
import { DEFAULT_CAPACITY, LineBuffer, type LogRow } from '../../web/src/state/line-buffer';

function lines(...seqs: number[]): LogLine[] {
  return seqs.map((seq) => ({ seq, ts: `2024-05-06T07:08:${String(seq % 60).padStart(2, '0')}.000000001Z`, stream: 'stdout', text: `line ${seq}` }));
}

/** Rows as short strings: "3" for line seq 3, "gap 4-6" for a gap marker, "restart" for a restart marker. */
function shape(rows: readonly LogRow[]): string[] {
  return rows.map((row) => (row.kind === 'line' ? String(row.seq) : row.kind === 'gap' ? `gap ${row.fromSeq}-${row.toSeq}` : 'restart'));
}

/** Gap rows with their state: "gap 4-6 fetching". */
function gaps(rows: readonly LogRow[]): string[] {
  return rows.flatMap((row) => (row.kind === 'gap' ? [`gap ${row.fromSeq}-${row.toSeq} ${row.state}`] : []));
}

function renumbered(...seqs: number[]): LogLine[] {
  return lines(...seqs).map((line) => ({ ...line, text: `renumbered ${line.seq}` }));
}

describe('LineBuffer', () => {
  it('appends lines in seq order and remembers the last seq', () => {
    const buffer = new LineBuffer();

    buffer.addLive(lines(1, 2, 3));
    buffer.addLive(lines(4));

    expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4']);
    expect(buffer.lastSeq).toBe(4);
  });

  it('starts without a gap whatever the first seq is (the cloud keeps only the newest lines)', () => {
    const buffer = new LineBuffer();

    buffer.addHistory(lines(5001, 5002), true);

    expect(shape(buffer.rows)).toEqual(['5001', '5002']);
  });

  it.each([
    ['an exact repeat of a batch', [1, 2, 3], [1, 2, 3], ['1', '2', '3'], 3],
    ['a batch overlapping the end', [1, 2, 3], [2, 3, 4], ['1', '2', '3', '4'], 2],
    ['an older line after newer ones', [5, 6], [4, 7], ['5', '6', '7'], 1],
    ['a repeated seq inside one batch', [], [1, 1, 2], ['1', '2'], 1],
  ])('drops duplicates by seq: %s', (_name, first, second, expected, duplicates) => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(...first));

    const outcome = buffer.addLive(lines(...second));

    expect(shape(buffer.rows)).toEqual(expected);
    expect(outcome.duplicates).toBe(duplicates);
  });

  it('records a visible gap marker when seqs skip ahead', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 2, 3));

    const outcome = buffer.addLive(lines(7, 8));

    expect(shape(buffer.rows)).toEqual(['1', '2', '3', 'gap 4-6', '7', '8']);
    expect(outcome).toEqual({ added: 2, duplicates: 0, gaps: 1, held: 0 });
  });

  it('detects a gap inside a single batch', () => {
    const buffer = new LineBuffer();

    buffer.addLive(lines(1, 3));

    expect(shape(buffer.rows)).toEqual(['1', 'gap 2-2', '3']);
  });

  it('gives every row a key that is stable across later appends', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 4));
    const keys = buffer.rows.map((row) => row.key);

    buffer.addLive(lines(5));

    expect(buffer.rows.slice(0, 3).map((row) => row.key)).toEqual(keys);
    expect(new Set(buffer.rows.map((row) => row.key)).size).toBe(buffer.rows.length);
  });

  it('returns a new rows array after a change and the same one when nothing was added', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1));
    const before = buffer.rows;

    buffer.addLive(lines(1));
    const afterDuplicate = buffer.rows;
    buffer.addLive(lines(2));

    expect(afterDuplicate).toBe(before);
    expect(buffer.rows).not.toBe(before);
  });

  it('keeps at most capacity rows, dropping the oldest', () => {
    const buffer = new LineBuffer({ capacity: 3 });
    buffer.addLive(lines(1, 2));

    buffer.addLive(lines(3, 4, 5));

    expect(shape(buffer.rows)).toEqual(['3', '4', '5']);
    expect(buffer.trimmed).toBe(2);
    expect(buffer.lastSeq).toBe(5);
  });

  it('keeps only the newest lines of a single batch larger than the capacity', () => {
    const buffer = new LineBuffer({ capacity: 2 });

    buffer.addLive(lines(1, 2, 3, 4));

    expect(shape(buffer.rows)).toEqual(['3', '4']);
    expect(buffer.trimmed).toBe(2);
  });

  it('still drops lines at or below the last seq after they were trimmed away', () => {
    const buffer = new LineBuffer({ capacity: 2 });
    buffer.addLive(lines(1, 2, 3, 4));

    buffer.addLive(lines(2, 5));

    expect(shape(buffer.rows)).toEqual(['4', '5']);
  });

  it('counts line rows, not gap rows, and forgets trimmed ones', () => {
    const buffer = new LineBuffer({ capacity: 4 });
    buffer.addLive(lines(1, 2));

    buffer.addLive(lines(5, 6));

    expect(shape(buffer.rows)).toEqual(['2', 'gap 3-4', '5', '6']);
    expect(buffer.lineCount).toBe(3);
  });

  it('compacts its storage without losing rows when trimming for a long time', () => {
    const buffer = new LineBuffer({ capacity: 3 });

    for (let seq = 1; seq <= 20; seq += 1) buffer.addLive(lines(seq));

    expect(shape(buffer.rows)).toEqual(['18', '19', '20']);
    expect(buffer.trimmed).toBe(17);
    expect(buffer.lineCount).toBe(3);
  });

  it('keeps the newest 100,000 rows of a view by default (issue 11: the per-view cap)', () => {
    const buffer = new LineBuffer();

    for (let from = 1; from <= 120_000; from += 10_000) buffer.addLive(lines(...Array.from({ length: 10_000 }, (_, i) => from + i)));

    expect(DEFAULT_CAPACITY).toBe(100_000);
    expect(buffer.lineCount).toBe(100_000);
    expect(buffer.trimmed).toBe(20_000);
    expect(buffer.oldestSeq).toBe(20_001);
  });

  it('takes no older lines once it has dropped some at the cap: a scroll-back neither brings them back nor repeats held ones', () => {
    const buffer = new LineBuffer({ capacity: 3 });
    buffer.addHistory(lines(10, 11), true, 7);
    buffer.addLive(lines(12, 13));

    const outcome = buffer.prependOlder(lines(7, 8, 9, 10, 11));

    expect(shape(buffer.rows)).toEqual(['11', '12', '13']);
    expect(outcome.added).toBe(0);
    expect(buffer.room).toBe(0);
    expect(buffer.takeNewGaps()).toEqual([]);
  });

  it.each([0, -1, 1.5])('rejects a capacity of %s', (capacity) => {
    expect(() => new LineBuffer({ capacity })).toThrow(RangeError);
  });

  it('strips ANSI escapes and case into the searchable text but keeps them in the text', () => {
    const buffer = new LineBuffer();

    buffer.addLive([{ seq: 1, ts: '2024-05-06T07:08:09Z', stream: 'stderr', text: '\x1b[31mERROR\x1b[0m boom', truncated: true }]);

    expect(buffer.rows[0]).toMatchObject({ kind: 'line', text: '\x1b[31mERROR\x1b[0m boom', searchText: 'error boom', stream: 'stderr', truncated: true });
  });

  describe('merging history with live lines', () => {
    it('holds live lines that arrive while history is loading and appends them after it', () => {
      const buffer = new LineBuffer();
      buffer.beginHistory();

      const held = buffer.addLive(lines(6, 7));
      buffer.addHistory(lines(1, 2, 3), false);
      buffer.addHistory(lines(4, 5, 6), true);

      expect(held.held).toBe(2);
      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
      expect(buffer.loadingHistory).toBe(false);
    });

    it('does not mistake a live batch that overtook history for a gap', () => {
      const buffer = new LineBuffer();
      buffer.beginHistory();
      buffer.addHistory(lines(1, 2), false);

      buffer.addLive(lines(5));
      buffer.addHistory(lines(3, 4), true);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5']);
    });

    it('resumes after a reconnect: history after the last seq, then live, without repeats', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 3));

      buffer.beginHistory();
      buffer.addLive(lines(6));
      buffer.addHistory(lines(3, 4, 5), true);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5', '6']);
    });

    it('marks a gap when history after a reconnect starts beyond the last seq', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2));

      buffer.beginHistory();
      buffer.addHistory(lines(10, 11), true);

      expect(shape(buffer.rows)).toEqual(['1', '2', 'gap 3-9', '10', '11']);
    });

    it('releases held lines when history is abandoned (the subscription failed)', () => {
      const buffer = new LineBuffer();
      buffer.beginHistory();
      buffer.addLive(lines(1, 2));

      buffer.endHistory();

      expect(shape(buffer.rows)).toEqual(['1', '2']);
      expect(buffer.loadingHistory).toBe(false);
    });

    describe('when the numbering started over (a history marked reset)', () => {
      it('drops every held row and takes the history without a gap or duplicates', () => {
        const buffer = new LineBuffer();
        buffer.addLive(lines(4998, 4999, 5000));

        buffer.beginHistory();
        buffer.reset();
        const outcome = buffer.addHistory(lines(1, 2), true);

        expect(shape(buffer.rows)).toEqual(['1', '2']);
        expect(outcome).toEqual({ added: 2, duplicates: 0, gaps: 0, held: 0 });
        expect(buffer.lastSeq).toBe(2);
        expect(buffer.lineCount).toBe(2);
      });

      it('applies the live lines after an empty reset history normally', () => {
        const buffer = new LineBuffer();
        buffer.addLive(lines(5000));
        buffer.beginHistory();
        buffer.reset();
        buffer.addHistory([], true);

        const outcome = buffer.addLive(lines(1, 2));

        expect(shape(buffer.rows)).toEqual(['1', '2']);
        expect(outcome.added).toBe(2);
      });

      it('keeps live lines held during the reset history and merges them after it', () => {
        const buffer = new LineBuffer();
        buffer.addLive(lines(5000));
        buffer.beginHistory();
        buffer.addLive(lines(3, 4));

        buffer.reset();
        buffer.addHistory(lines(1, 2, 3), true);

        expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4']);
      });

      it('forgets the rows trimmed before the reset and returns a new rows array', () => {
        const buffer = new LineBuffer({ capacity: 2 });
        buffer.addLive(lines(1, 2, 3));
        const before = buffer.rows;

        buffer.reset();

        expect(buffer.rows).not.toBe(before);
        expect(buffer.rows).toEqual([]);
        expect(buffer.trimmed).toBe(0);
        expect(buffer.lastSeq).toBeUndefined();
      });
    });

    it('bounds the held lines by the capacity', () => {
      const buffer = new LineBuffer({ capacity: 2 });
      buffer.beginHistory();
      buffer.addLive(lines(1, 2, 3));

      buffer.addHistory([], true);

      expect(shape(buffer.rows)).toEqual(['2', '3']);
    });
  });

  describe('epochs: seqs are comparable only within one numbering', () => {
    it('drops the held rows and shows a restart marker when a live batch of a newer epoch arrives', () => {
      const buffer = new LineBuffer();
      buffer.addHistory(lines(1, 2, 3, 4, 5), true, 100);

      const outcome = buffer.addLive(renumbered(1, 2), 200);

      expect(shape(buffer.rows)).toEqual(['restart', '1', '2']);
      expect(buffer.rows.filter((row) => row.kind === 'line').map((row) => row.text)).toEqual(['renumbered 1', 'renumbered 2']);
      expect(outcome.added).toBe(2);
      expect(buffer.epoch).toBe(200);
      expect(buffer.lastSeq).toBe(2);
    });

    it('drops the lines of an older epoch as stale', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2), 200);

      const outcome = buffer.addLive(lines(3, 4), 100);

      expect(shape(buffer.rows)).toEqual(['1', '2']);
      expect(outcome).toEqual({ added: 0, duplicates: 2, gaps: 0, held: 0 });
    });

    it('takes the first epoch it sees without a marker (nothing was held)', () => {
      const buffer = new LineBuffer();
      buffer.addHistory([], true);

      buffer.addLive(lines(1), 300);

      expect(shape(buffer.rows)).toEqual(['1']);
      expect(buffer.epoch).toBe(300);
    });

    it('applies held live lines by their own epoch when the history completes', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(7, 8), 100);
      buffer.beginHistory();
      buffer.addLive(renumbered(1), 200);

      buffer.addHistory(lines(9), true, 100);

      expect(shape(buffer.rows)).toEqual(['restart', '1']);
    });

    it('shows a restart marker on a reset history when rows were held', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(5000), 100);

      buffer.restart(200);
      buffer.addHistory(lines(1), true, 200);

      expect(shape(buffer.rows)).toEqual(['restart', '1']);
    });
  });

  describe('row keys: what a view holds a row by (the reader’s place, a row measured, a JSON line opened)', () => {
    it('keeps a row’s key across appends, trims and fills', () => {
      const buffer = new LineBuffer({ capacity: 5 });
      buffer.addLive(lines(1, 2, 5), 100);
      const key = buffer.rows[1]!.key;

      buffer.fillGap(2, 4, lines(3, 4), true);
      buffer.addLive(lines(6), 100);

      expect(shape(buffer.rows)).toEqual(['2', '3', '4', '5', '6']);
      expect(buffer.rows[0]!.key).toBe(key);
    });

    it.each([
      ['a newer epoch', (buffer: LineBuffer) => buffer.addLive(renumbered(1, 2, 3), 200)],
      ['a reset history', (buffer: LineBuffer) => (buffer.restart(200, 'reset'), buffer.addHistory(renumbered(1, 2, 3), true, 200))],
    ])('gives the rows after the numbering restarted (%s) keys no row before it had, though their seqs repeat', (_, restart) => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 3, 4), 100);
      buffer.addLive([], 100, [{ fromSeq: 5, toSeq: 6 }]);
      const before = new Set(buffer.rows.map((row) => row.key));

      restart(buffer);
      buffer.addLive([], 200, [{ fromSeq: 4, toSeq: 5 }]);

      expect(shape(buffer.rows)).toEqual(['restart', '1', '2', '3', 'gap 4-5']);
      expect(buffer.rows.filter((row) => before.has(row.key))).toEqual([]);
    });
  });

  describe('gaps are fetched from the cloud and filled in place', () => {
    it('reports each new gap once, as a range to fetch', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 6, 7, 9));

      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 3, toSeq: 5 }, { fromSeq: 8, toSeq: 8 }]);
      expect(buffer.takeNewGaps()).toEqual([]);
      expect(gaps(buffer.rows)).toEqual(['gap 3-5 fetching', 'gap 8-8 fetching']);
    });

    it('puts fetched lines where the gap was, so the gap closes by itself', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 6, 7));

      buffer.fillGap(2, 5, lines(3, 4, 5), true);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
      expect(buffer.lineCount).toBe(7);
    });

    it('makes the seqs of a gap after what an answer covered (a read stopped at readToSeq) a new gap to fetch, once: the same answer again changes nothing', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 900));
      buffer.takeNewGaps();

      buffer.fillGap(2, 5, lines(3, 4, 5), true);
      buffer.fillGap(2, 5, lines(3, 4, 5), true);

      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 6, toSeq: 899 }]);
      expect(gaps(buffer.rows)).toEqual(['gap 6-899 fetching']);
    });

    it('marks as missing only what the buffer no longer had', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 10));

      buffer.fillGap(1, 9, lines(4, 5, 7), true);

      expect(shape(buffer.rows)).toEqual(['1', 'gap 2-3', '4', '5', 'gap 6-6', '7', 'gap 8-9', '10']);
      expect(gaps(buffer.rows)).toEqual(['gap 2-3 missing', 'gap 6-6 missing', 'gap 8-9 missing']);
    });

    it('asks again, once, for seqs whose batch the answer brought but could not be read — they are in the buffer still', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 10));
      buffer.takeNewGaps();

      buffer.fillGap(1, 9, lines(2, 3), true, [{ fromSeq: 4, toSeq: 7 }]);

      expect(gaps(buffer.rows)).toEqual(['gap 4-7 fetching', 'gap 8-9 missing']);
      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 4, toSeq: 7 }]);

      buffer.fillGap(3, 7, [], true, [{ fromSeq: 4, toSeq: 7 }]);

      expect(gaps(buffer.rows)).toEqual(['gap 4-7 missing', 'gap 8-9 missing']);
      expect(buffer.takeNewGaps()).toEqual([]);
    });

    it('keeps waiting for the later parts of an answer', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 10));

      buffer.fillGap(1, 9, lines(2, 3, 4), false);
      expect(gaps(buffer.rows)).toEqual(['gap 5-9 fetching']);
      buffer.fillGap(1, 9, lines(5, 6, 7, 8, 9), true);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    });

    it('marks the part of a long gap that was not asked for as missing', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 5000));

      buffer.fillGap(3999, 4999, lines(...Array.from({ length: 1000 }, (_, i) => 4000 + i)), true);

      expect(gaps(buffer.rows)).toEqual(['gap 2-3999 missing']);
      expect(buffer.lineCount).toBe(1002);
    });

    it('lists the gaps still waiting for their fetch', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 3, 5));
      buffer.fillGap(3, 4, [], true);

      expect(buffer.fetchingGaps()).toEqual([{ fromSeq: 2, toSeq: 2 }]);
    });
  });

  describe('batches that could not be read (lost: inflated past the bound, invalid, parts that never completed)', () => {
    it('shows the seqs of a lost batch after the last line as a gap to fetch, and numbers on after it', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2));

      const outcome = buffer.addLive([], 7, [{ fromSeq: 3, toSeq: 9 }]);
      buffer.addLive(lines(10), 7);

      expect(shape(buffer.rows)).toEqual(['1', '2', 'gap 3-9', '10']);
      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 3, toSeq: 9 }]);
      expect(outcome.gaps).toBe(1);
      expect(buffer.lastSeq).toBe(10);
    });

    it('takes the seqs between the last line and a lost batch into the same gap', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2));

      buffer.addLive([], 7, [{ fromSeq: 6, toSeq: 9 }]);

      expect(gaps(buffer.rows)).toEqual(['gap 3-9 fetching']);
    });

    it('shows a lost batch before the oldest line (the first of a history) as a gap at the top', () => {
      const buffer = new LineBuffer();

      buffer.addHistory(lines(101, 102), true, 7, [{ fromSeq: 1, toSeq: 100 }]);

      expect(shape(buffer.rows)).toEqual(['gap 1-100', '101', '102']);
      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 1, toSeq: 100 }]);
    });

    it('needs no gap of its own for a lost batch between lines (their seqs already make one)', () => {
      const buffer = new LineBuffer();

      buffer.addHistory([...lines(1, 2), ...lines(6, 7)], true, 7, [{ fromSeq: 3, toSeq: 5 }]);

      expect(shape(buffer.rows)).toEqual(['1', '2', 'gap 3-5', '6', '7']);
    });

    it('holds a lost live batch while history loads, like its lines would be', () => {
      const buffer = new LineBuffer();
      buffer.beginHistory();
      buffer.addLive([], 7, [{ fromSeq: 4, toSeq: 6 }]);

      buffer.addHistory(lines(1, 2, 3), true, 7);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', 'gap 4-6']);
    });

    it('ignores a lost batch of an older epoch', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1), 8);

      buffer.addLive([], 7, [{ fromSeq: 2, toSeq: 5 }]);

      expect(shape(buffer.rows)).toEqual(['1']);
    });

    it('asks again once for a batch of a new numbering that could not be read, though one of the old numbering at the same seqs was asked again already', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 2, 6), 7);
      buffer.fillGap(2, 5, [], true, [{ fromSeq: 3, toSeq: 5 }]);
      buffer.fillGap(2, 5, lines(3, 4, 5), true);
      buffer.addLive(renumbered(1, 2, 6), 8);
      buffer.takeNewGaps();

      buffer.fillGap(2, 5, [], true, [{ fromSeq: 3, toSeq: 5 }]);

      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 3, toSeq: 5 }]);
      expect(gaps(buffer.rows)).toEqual(['gap 3-5 fetching']);
    });
  });

  describe('a fetch answer holding more than was asked (stored batches are whole)', () => {
    it('fills the part of a long gap before the range asked with the lines that came anyway', () => {
      const buffer = new LineBuffer();
      buffer.addLive(lines(1, 5000));

      buffer.fillGap(3999, 4999, lines(...Array.from({ length: 3000 }, (_, i) => 2000 + i)), true);

      expect(gaps(buffer.rows)).toEqual(['gap 2-1999 missing']);
      expect(buffer.lineCount).toBe(3002);
    });
  });

  describe('older lines, loaded by scrolling back', () => {
    it('knows the oldest seq it holds, a gap at the top included', () => {
      const buffer = new LineBuffer();
      expect(buffer.oldestSeq).toBeUndefined();

      buffer.addHistory(lines(101, 102), true, 7, [{ fromSeq: 90, toSeq: 100 }]);

      expect(buffer.oldestSeq).toBe(90);
    });

    it('puts older lines before the oldest held, in seq order, dropping the ones it holds', () => {
      const buffer = new LineBuffer();
      buffer.addHistory(lines(5, 6, 7), true, 7);

      const outcome = buffer.prependOlder([...lines(3, 4, 5, 6), ...lines(1, 2)]);

      expect(shape(buffer.rows)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
      expect(outcome).toMatchObject({ added: 4, duplicates: 2 });
      expect(buffer.lineCount).toBe(7);
      expect(buffer.lastSeq).toBe(7);
      expect(buffer.oldestSeq).toBe(1);
    });

    it('shows seqs between older lines that did not come as gaps to fetch', () => {
      const buffer = new LineBuffer();
      buffer.addHistory(lines(10, 11), true, 7);

      buffer.prependOlder(lines(3, 4, 7));

      expect(shape(buffer.rows)).toEqual(['3', '4', 'gap 5-6', '7', 'gap 8-9', '10', '11']);
      expect(buffer.takeNewGaps()).toEqual([{ fromSeq: 5, toSeq: 6 }, { fromSeq: 8, toSeq: 9 }]);
    });

    it('keeps a restart marker at the top, older lines of the new numbering after it', () => {
      const buffer = new LineBuffer();
      buffer.addHistory(lines(1, 2), true, 7);
      buffer.addLive(lines(50, 51), 8);

      buffer.prependOlder(lines(48, 49));

      expect(shape(buffer.rows)).toEqual(['restart', '48', '49', '50', '51']);
    });

    it('keeps only as many as the capacity has room for, the newest of them', () => {
      const buffer = new LineBuffer({ capacity: 4 });
      buffer.addHistory(lines(10, 11), true, 7);

      buffer.prependOlder(lines(6, 7, 8, 9));

      expect(shape(buffer.rows)).toEqual(['8', '9', '10', '11']);
      expect(buffer.trimmed).toBe(2);
      expect(buffer.room).toBe(0);
    });

    it('returns a new rows array after prepending, with the held rows keeping their keys', () => {
      const buffer = new LineBuffer();
      buffer.addHistory(lines(5), true, 7);
      const before = buffer.rows;

      buffer.prependOlder(lines(4));

      expect(buffer.rows).not.toBe(before);
      expect(buffer.rows[1]!.key).toBe(before[0]!.key);
    });
  });
});
