import { describe, expect, it } from 'vitest';
import { MAX_FETCH_LINES, type ContainerRef, type LogLine } from '../../protocol';
import type { GapRange } from '../../web/src/state/line-buffer';
import { createLogsStore, MAX_FETCH_ATTEMPTS, type BatchLines, type FetchedLines, type HistoryLines } from '../../web/src/state/logs-store';

const ref = { agentId: 'host-1', containerId: 'c1' } as const;
const other = { agentId: 'host-1', containerId: 'c2' } as const;

function lines(...seqs: number[]): LogLine[] {
  return seqs.map((seq) => ({ seq, ts: `2024-05-06T07:08:${String(seq % 60).padStart(2, '0')}.000000001Z`, stream: 'stdout', text: `line ${seq}` }));
}

/** A log.history message as the session hands it over, its batches read. */
function history(target: typeof ref | typeof other, seqs: number[], extra: Partial<HistoryLines> = {}): HistoryLines {
  return { ...target, lines: lines(...seqs), lost: [], done: true, ...extra };
}

function live(target: typeof ref | typeof other, seqs: number[], epoch = 1, lost: GapRange[] = []): BatchLines {
  return { ...target, epoch, lines: lines(...seqs), lost };
}

function fetched(target: typeof ref | typeof other, epoch: number, afterSeq: number, toSeq: number, seqs: number[], extra: Partial<FetchedLines> = {}): FetchedLines {
  return { ...target, epoch, afterSeq, toSeq, lines: lines(...seqs), lost: [], done: true, ...extra };
}

/** The seqs from `from` to `to`, inclusive. */
function seqRange(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Line seqs, with -1 for a gap and 0 for a restart marker. */
function seqsOf(store: ReturnType<typeof createLogsStore>, target: typeof ref | typeof other): number[] {
  return store.view(target).rows.map((row) => (row.kind === 'line' ? row.seq : row.kind === 'gap' ? -1 : 0));
}

describe('logs store', () => {
  it('replaces a container’s lines with a history marked reset, marking the restart, then applies live lines after it', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [4999, 5000]));

    store.beginHistory(ref);
    store.applyHistory(history(ref, [], { reset: true }));
    store.applyBatch(live(ref, [1, 2]));

    expect(seqsOf(store, ref)).toEqual([0, 1, 2]);
    expect(store.lastSeq(ref)).toBe(2);
  });

  it('resets only on the reset message, not on the later parts of the same history', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [5000]));

    store.beginHistory(ref);
    store.applyHistory(history(ref, [1, 2], { reset: true, done: false }));
    store.applyHistory(history(ref, [3, 4]));

    expect(seqsOf(store, ref)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps the lines of a history without reset, dropping repeats by seq', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [1, 2, 3]));

    store.beginHistory(ref);
    store.applyHistory(history(ref, [3, 4]));

    expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4]);
  });

  it('leaves other containers alone on a reset', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [5000]));
    store.applyHistory(history(other, [7, 8]));

    store.applyHistory(history(ref, [1], { reset: true }));

    expect(seqsOf(store, other)).toEqual([7, 8]);
    expect(seqsOf(store, ref)).toEqual([0, 1]);
  });

  it('drops a container’s lines and marks the restart when a live batch of a newer epoch arrives', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [1, 2, 3, 4, 5], { epoch: 1 }));

    store.applyBatch(live(ref, [1, 2], 2));

    expect(seqsOf(store, ref)).toEqual([0, 1, 2]);
    expect(store.epoch(ref)).toBe(2);
  });

  it('gives the lines of a container shown again after its release, in a new numbering, keys none of its released rows had (a merged view keeps its open JSON lines by key)', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [1, 2, 3], { epoch: 7 }));
    const before = new Set(store.view(ref).rows.map((row) => row.key));

    // Taken out of view and released; the container restarted meanwhile; shown again.
    store.release(ref);
    store.applyHistory(history(ref, [1, 2, 3], { epoch: 8 }));

    expect(seqsOf(store, ref)).toEqual([1, 2, 3]);
    expect(store.view(ref).rows.filter((row) => before.has(row.key))).toEqual([]);
  });

  it('gives no row of a container shown again after its release, restart markers and notices included, a key a released row had', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyBatch(live(ref, [1], 1));
    store.markReconnected(1000);
    store.applyBatch(live(ref, [1], 2)); // a restart marker
    const before = new Set(store.view(ref).rows.map((row) => row.key));

    store.release(ref);
    store.applyBatch(live(ref, [1], 2));
    store.markReconnected(2000);
    store.applyBatch(live(ref, [1], 3));

    expect(store.view(ref).rows.filter((row) => before.has(row.key))).toEqual([]);
  });

  it('drops the lines of a container released, and keeps the others’', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [1, 2]));
    store.applyHistory(history(other, [1]));

    store.release(ref);

    expect(store.view(ref).rows).toEqual([]);
    expect(store.lastSeq(ref)).toBeUndefined();
    expect(store.epoch(ref)).toBeUndefined();
    expect(seqsOf(store, other)).toEqual([1]);
  });

  describe('closing gaps from the cloud buffer', () => {
    function fetchingStore() {
      const asked: { ref: ContainerRef; epoch: number; gap: GapRange }[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (target, epoch, gap) => asked.push({ ref: target, epoch, gap }) });
      return { store, asked };
    }

    it('asks for a gap as soon as it appears, with the epoch it belongs to', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2], 7));

      store.applyBatch(live(ref, [6], 7));

      expect(asked).toEqual([{ ref, epoch: 7, gap: { fromSeq: 3, toSeq: 5 } }]);
    });

    it('fills the gap with the fetched lines, marking only what the buffer no longer had', () => {
      const { store } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));

      store.applyFetched(fetched(ref, 7, 2, 5, [4, 5]));

      expect(seqsOf(store, ref)).toEqual([1, 2, -1, 4, 5, 6]);
      const gap = store.view(ref).rows.find((row) => row.kind === 'gap');
      expect(gap).toMatchObject({ fromSeq: 3, toSeq: 3, state: 'missing' });
    });

    it('takes an answer the cloud’s byte bound stopped (readToSeq) for what it read: fills that part, marks nothing after it missing, and asks for the rest', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 900], 7));
      asked.length = 0;

      store.applyFetched(fetched(ref, 7, 2, 899, [3, 4, 5], { readToSeq: 5 }));

      expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4, 5, -1, 900]);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ fromSeq: 6, toSeq: 899, state: 'fetching' });
      expect(asked).toEqual([{ ref, epoch: 7, gap: { fromSeq: 6, toSeq: 899 } }]);
    });

    it('takes a stopped answer that carries no line for the seqs it covered: marks those missing and asks for those after readToSeq', () => {
      // Every batch it read was served as expired (the object gone, its item still there): nothing but readToSeq.
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 900], 7));
      asked.length = 0;

      store.applyFetched(fetched(ref, 7, 2, 899, [], { readToSeq: 400 }));

      const gaps = store.view(ref).rows.filter((row) => row.kind === 'gap');
      expect(gaps).toMatchObject([
        { fromSeq: 3, toSeq: 400, state: 'missing' },
        { fromSeq: 401, toSeq: 899, state: 'fetching' },
      ]);
      expect(asked).toEqual([{ ref, epoch: 7, gap: { fromSeq: 401, toSeq: 899 } }]);
    });

    it('asks for the rest after readToSeq once when a stopped answer comes twice (the refetch asked again while the first read was under way)', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 900], 7));
      store.refetchGaps(); // the answer is slow: asked a second time
      asked.length = 0;

      store.applyFetched(fetched(ref, 7, 2, 899, seqRange(3, 100), { readToSeq: 100 }));
      store.applyFetched(fetched(ref, 7, 2, 899, seqRange(3, 100), { readToSeq: 100 }));

      expect(asked.map((a) => a.gap)).toEqual([{ fromSeq: 101, toSeq: 899 }]);
    });

    it('asks for the rest after readToSeq once when the stopped answer comes in parts, the lines in one that is not the last', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 900], 7));
      asked.length = 0;

      store.applyFetched(fetched(ref, 7, 2, 899, seqRange(3, 200), { readToSeq: 400, done: false }));
      store.applyFetched(fetched(ref, 7, 2, 899, seqRange(201, 400), { readToSeq: 400 }));
      store.applyFetched(fetched(ref, 7, 2, 899, seqRange(3, 400), { readToSeq: 400 })); // a second ask's answer

      expect(asked.map((a) => a.gap)).toEqual([{ fromSeq: 401, toSeq: 899 }]);
    });

    it('closes a long gap through a chain of stopped reads, asked again at every refetch tick, without giving up as missing seqs the cloud still holds', () => {
      const asks: { afterSeq: number; toSeq: number }[] = [];
      const store = createLogsStore({
        scheduleFrame: () => {},
        // As the session asks (create-session.ts): the newest MAX_FETCH_LINES of the gap.
        onGap: (_target, _epoch, gap) => asks.push({ afterSeq: Math.max(gap.fromSeq - 1, gap.toSeq - MAX_FETCH_LINES), toSeq: gap.toSeq }),
      });
      store.applyBatch(live(ref, [1, 2, 900], 7));
      // The cloud holds every seq, in long lines: each read stops after 100 seqs.
      const answer = ({ afterSeq, toSeq }: { afterSeq: number; toSeq: number }) => {
        const readTo = afterSeq + 100;
        if (readTo < toSeq) store.applyFetched(fetched(ref, 7, afterSeq, toSeq, seqRange(afterSeq + 1, readTo), { readToSeq: readTo }));
        else store.applyFetched(fetched(ref, 7, afterSeq, toSeq, seqRange(afterSeq + 1, toSeq)));
      };
      // Each round the asks made so far are answered, then the refetch tick comes.
      for (let round = 0; round < 4 * MAX_FETCH_ATTEMPTS && asks.length > 0; round += 1) {
        for (const ask of asks.splice(0)) answer(ask);
        store.refetchGaps();
      }

      expect(store.view(ref).rows.filter((row) => row.kind === 'gap')).toEqual([]);
      expect(seqsOf(store, ref)).toEqual(seqRange(1, 900));
    });

    it('counts only the asks that went unanswered: a batch its slow answer could not read is asked for again, though the gap had been asked for MAX_FETCH_ATTEMPTS times', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));
      for (let i = 1; i < MAX_FETCH_ATTEMPTS; i += 1) store.refetchGaps();
      asked.length = 0;

      store.applyFetched(fetched(ref, 7, 2, 5, [], { lost: [{ fromSeq: 3, toSeq: 5 }] }));

      expect(asked.map((a) => a.gap)).toEqual([{ fromSeq: 3, toSeq: 5 }]);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ fromSeq: 3, toSeq: 5, state: 'fetching' });
    });

    it('asks for a gap of a new numbering however often the old numbering’s gap at the same first seq was asked for', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));
      for (let i = 1; i < MAX_FETCH_ATTEMPTS; i += 1) store.refetchGaps(); // never answered
      asked.length = 0;

      // The container restarted: a new numbering, with a batch lost at the same seqs.
      store.applyBatch(live(ref, [1, 2, 6], 8));

      expect(asked).toEqual([{ ref, epoch: 8, gap: { fromSeq: 3, toSeq: 5 } }]);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ fromSeq: 3, toSeq: 5, state: 'fetching' });
    });

    it('ignores an answer for an epoch it no longer holds', () => {
      const { store } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));
      store.applyBatch(live(ref, [1], 8));

      store.applyFetched(fetched(ref, 7, 2, 5, [3, 4, 5]));

      expect(seqsOf(store, ref)).toEqual([0, 1]);
    });

    it('asks again, after a re-subscribe’s history, for gaps whose answer never came', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));
      asked.length = 0;

      store.beginHistory(ref);
      store.applyHistory(history(ref, [7], { epoch: 7 }));

      expect(asked).toEqual([{ ref, epoch: 7, gap: { fromSeq: 3, toSeq: 5 } }]);
    });

    it('asks again for a gap whose answer never came, and gives it up as missing after MAX_FETCH_ATTEMPTS', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));

      for (let i = 1; i < MAX_FETCH_ATTEMPTS; i++) store.refetchGaps();
      expect(asked).toHaveLength(MAX_FETCH_ATTEMPTS);
      store.refetchGaps();

      expect(asked).toHaveLength(MAX_FETCH_ATTEMPTS);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ state: 'missing' });
    });

    it('asks nothing again once the gap is filled', () => {
      const { store, asked } = fetchingStore();
      store.applyBatch(live(ref, [1, 2, 6], 7));
      store.applyFetched(fetched(ref, 7, 2, 5, [3, 4, 5]));

      store.refetchGaps();

      expect(asked).toHaveLength(1);
    });

    it('marks a gap missing at once when its epoch is unknown (nothing to ask by)', () => {
      const { store, asked } = fetchingStore();
      store.applyHistory(history(ref, [1, 2, 5]));

      expect(asked).toEqual([]);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ state: 'missing' });
    });
  });

  describe('lines after the last seq held, fetched by the tail check', () => {
    it('appends them as new lines, not as a gap', () => {
      const store = createLogsStore({ scheduleFrame: () => {} });
      store.applyBatch(live(ref, [1, 2], 7));

      store.applyFetched(fetched(ref, 7, 2, 1002, [3, 4]));

      expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4]);
      expect(store.lastSeq(ref)).toBe(4);
    });

    it('drops those a live batch brought meanwhile, by seq', () => {
      const store = createLogsStore({ scheduleFrame: () => {} });
      store.applyBatch(live(ref, [1, 2], 7));
      store.applyBatch(live(ref, [3, 4], 7));

      store.applyFetched(fetched(ref, 7, 2, 1002, [3, 4, 5]));

      expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4, 5]);
    });

    it('fills a gap and appends what follows the last seq from one answer', () => {
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: () => {} });
      store.applyBatch(live(ref, [1, 2, 4], 7));

      store.applyFetched(fetched(ref, 7, 2, 1002, [3, 4, 5]));

      expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4, 5]);
    });

    it('takes the first lines of an epoch it holds no line of yet', () => {
      const store = createLogsStore({ scheduleFrame: () => {} });
      store.applyHistory(history(ref, [], { epoch: 7 }));

      store.applyFetched(fetched(ref, 7, 0, 1000, [1, 2]));

      expect(seqsOf(store, ref)).toEqual([1, 2]);
    });
  });

  describe('a subscription that failed for one container', () => {
    it('stops holding live lines back for that container only', () => {
      const store = createLogsStore({ scheduleFrame: () => {} });
      store.beginHistory(ref);
      store.beginHistory(other);
      store.applyBatch(live(ref, [1], 7));
      store.applyBatch(live(other, [1], 7));

      store.endHistory(ref);

      expect(store.view(ref)).toMatchObject({ loadingHistory: false, lineCount: 1 });
      expect(store.view(other)).toMatchObject({ loadingHistory: true, lineCount: 0 });
    });
  });

  describe('a batch that could not be read', () => {
    it('asks for the seqs of a lost live batch at once, as a gap', () => {
      const asked: GapRange[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_target, _epoch, gap) => asked.push(gap) });
      store.applyBatch(live(ref, [1, 2], 7));

      store.applyBatch(live(ref, [], 7, [{ fromSeq: 3, toSeq: 9 }]));

      expect(asked).toEqual([{ fromSeq: 3, toSeq: 9 }]);
      expect(store.lastSeq(ref)).toBe(9);
    });
  });

  describe('loading older lines (scrolling back)', () => {
    function olderStore(capacity?: number) {
      const asked: { ref: ContainerRef; epoch: number; afterSeq: number; toSeq: number }[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, capacity, onGap: () => {}, onFetchOlder: (target, epoch, range) => asked.push({ ref: target, epoch, ...range }) });
      return { store, asked };
    }

    it('asks for the MAX_FETCH_LINES seqs before the oldest held, of the epoch held', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [5001, 5002], { epoch: 7 }));

      store.loadOlder(ref);

      expect(asked).toEqual([{ ref, epoch: 7, afterSeq: 5000 - MAX_FETCH_LINES, toSeq: 5000 }]);
      expect(store.view(ref).olderStatus).toBe('loading');
    });

    it('asks once while an answer is awaited', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [5001], { epoch: 7 }));

      store.loadOlder(ref);
      store.loadOlder(ref);

      expect(asked).toHaveLength(1);
    });

    it('merges the answer before the held lines in seq order, and asks again from the new oldest next time', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [2001, 2002], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 1000, 2000, [1001, 1002], { done: false }));
      expect(seqsOf(store, ref)).toEqual([2001, 2002]);
      store.applyFetched(fetched(ref, 7, 1000, 2000, Array.from({ length: 998 }, (_, i) => 1003 + i)));

      expect(seqsOf(store, ref).slice(0, 3)).toEqual([1001, 1002, 1003]);
      expect(seqsOf(store, ref)).toHaveLength(1002);
      expect(store.view(ref).olderStatus).toBe('idle');
      store.loadOlder(ref);
      expect(asked[1]).toMatchObject({ afterSeq: 0, toSeq: 1000 });
    });

    it('merges a scroll-back answer the byte bound stopped, and fetches the seqs it did not reach as a gap below the held lines', () => {
      const asked: GapRange[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_target, _epoch, gap) => asked.push(gap), onFetchOlder: () => {} });
      store.applyHistory(history(ref, [2001, 2002], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 1000, 2000, [1001, 1002], { readToSeq: 1002 }));

      expect(seqsOf(store, ref)).toEqual([1001, 1002, -1, 2001, 2002]);
      expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ fromSeq: 1003, toSeq: 2000, state: 'fetching' });
      expect(asked).toEqual([{ fromSeq: 1003, toSeq: 2000 }]);
      expect(store.view(ref).olderStatus).toBe('idle');
    });

    it('takes a stopped scroll-back answer whose later batches were gone as it takes a gap’s: what it covered but lacks is missing, only the seqs after readToSeq are asked for', () => {
      const asked: GapRange[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_target, _epoch, gap) => asked.push(gap), onFetchOlder: () => {} });
      store.applyHistory(history(ref, [2001, 2002], { epoch: 7 }));
      store.loadOlder(ref);

      // Read up to 1400 (the byte bound); the batch of 1201–1400 was served as expired.
      store.applyFetched(fetched(ref, 7, 1000, 2000, seqRange(1001, 1200), { readToSeq: 1400 }));

      expect(store.view(ref).rows.filter((row) => row.kind === 'gap')).toMatchObject([
        { fromSeq: 1201, toSeq: 1400, state: 'missing' },
        { fromSeq: 1401, toSeq: 2000, state: 'fetching' },
      ]);
      expect(asked).toEqual([{ fromSeq: 1401, toSeq: 2000 }]);
    });

    it('asks again for a batch of a stopped scroll-back answer that could not be read, among the seqs it covered', () => {
      const asked: GapRange[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_target, _epoch, gap) => asked.push(gap), onFetchOlder: () => {} });
      store.applyHistory(history(ref, [2001, 2002], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 1000, 2000, [...seqRange(1001, 1100), ...seqRange(1201, 1300)], { readToSeq: 1400, lost: [{ fromSeq: 1101, toSeq: 1200 }] }));

      expect(store.view(ref).rows.filter((row) => row.kind === 'gap')).toMatchObject([
        { fromSeq: 1101, toSeq: 1200, state: 'fetching' },
        { fromSeq: 1301, toSeq: 1400, state: 'missing' },
        { fromSeq: 1401, toSeq: 2000, state: 'fetching' },
      ]);
      expect(asked).toEqual(expect.arrayContaining([{ fromSeq: 1101, toSeq: 1200 }, { fromSeq: 1401, toSeq: 2000 }]));
      expect(asked).toHaveLength(2);
    });

    it('takes a stopped scroll-back answer that carries no line for what it covered, not for the start of the buffer: those seqs missing, the rest fetched as a gap', () => {
      const asked: GapRange[] = [];
      const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_target, _epoch, gap) => asked.push(gap), onFetchOlder: () => {} });
      store.applyHistory(history(ref, [2001, 2002], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 1000, 2000, [], { readToSeq: 1400 }));

      expect(store.view(ref).olderStatus).toBe('idle');
      expect(store.view(ref).rows.filter((row) => row.kind === 'gap')).toMatchObject([
        { fromSeq: 1001, toSeq: 1400, state: 'missing' },
        { fromSeq: 1401, toSeq: 2000, state: 'fetching' },
      ]);
      expect(asked).toEqual([{ fromSeq: 1401, toSeq: 2000 }]);
    });

    it('keeps lines of the answer from before the range asked (a stored batch reaching back)', () => {
      const { store } = olderStore();
      store.applyHistory(history(ref, [1500], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 499, 1499, Array.from({ length: 1499 }, (_, i) => 1 + i)));

      expect(store.view(ref).lineCount).toBe(1500);
    });

    it('marks the start of the buffer when an answer brings nothing older, and asks no more', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [301, 302], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 0, 300, []));
      store.loadOlder(ref);

      expect(store.view(ref).olderStatus).toBe('exhausted');
      expect(asked).toHaveLength(1);
      expect(seqsOf(store, ref)).toEqual([301, 302]);
    });

    it('knows without asking that nothing comes before seq 1', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [1, 2], { epoch: 7 }));

      store.loadOlder(ref);

      expect(asked).toEqual([]);
      expect(store.view(ref).olderStatus).toBe('exhausted');
    });

    it('shows an older batch that could not be read as a gap, not as the start of the buffer', () => {
      const { store } = olderStore();
      store.applyHistory(history(ref, [301], { epoch: 7 }));
      store.loadOlder(ref);

      store.applyFetched(fetched(ref, 7, 0, 300, [], { lost: [{ fromSeq: 201, toSeq: 300 }] }));

      expect(store.view(ref).olderStatus).toBe('idle');
      expect(store.view(ref).rows[0]).toMatchObject({ kind: 'gap', fromSeq: 201, toSeq: 300 });
    });

    it('asks again for an answer that does not come, and gives up after MAX_FETCH_ATTEMPTS without marking the start', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [301], { epoch: 7 }));
      store.loadOlder(ref);

      for (let i = 0; i < MAX_FETCH_ATTEMPTS; i++) store.refetchGaps();

      expect(asked).toHaveLength(MAX_FETCH_ATTEMPTS);
      expect(store.view(ref).olderStatus).toBe('idle');
    });

    it('ignores an answer asked before the numbering restarted, and asks anew in the new epoch', () => {
      const { store, asked } = olderStore();
      store.applyHistory(history(ref, [301], { epoch: 7 }));
      store.loadOlder(ref);
      store.applyFetched(fetched(ref, 7, 0, 300, []));
      expect(store.view(ref).olderStatus).toBe('exhausted');

      store.applyBatch(live(ref, [40, 41], 8));
      store.applyFetched(fetched(ref, 7, 0, 300, [299, 300]));
      store.loadOlder(ref);

      expect(seqsOf(store, ref)).toEqual([0, 40, 41]);
      expect(asked[1]).toMatchObject({ epoch: 8, afterSeq: 0, toSeq: 39 });
    });

    it('does not ask while the container’s history is loading, nor when the view holds its capacity', () => {
      const { store, asked } = olderStore(2);
      store.beginHistory(ref);
      store.loadOlder(ref);
      store.applyHistory(history(ref, [301, 302], { epoch: 7 }));

      store.loadOlder(ref);

      expect(asked).toEqual([]);
    });
  });
});

describe('logs store: a cloud that answers every ask of a gap but never finishes an answer', () => {
  it('gives the gap up as missing after MAX_FETCH_ATTEMPTS asks (each answer a first part, done: false, filling nothing; the last part never comes)', () => {
    const asks: GapRange[] = [];
    const store = createLogsStore({ scheduleFrame: () => {}, onGap: (_ref, _epoch, gap) => asks.push(gap) });
    store.applyBatch(live(ref, [1, 2], 7));
    store.applyBatch(live(ref, [6], 7));
    // The session's refetch timer fires twenty times.
    for (let tick = 0; tick < 20; tick += 1) {
      const ask = asks.at(-1)!;
      store.applyFetched(fetched(ref, 7, ask.fromSeq - 1, ask.toSeq, [], { done: false }));
      store.refetchGaps();
    }
    expect(asks.length).toBeLessThanOrEqual(MAX_FETCH_ATTEMPTS);
    expect(store.view(ref).rows.find((row) => row.kind === 'gap')).toMatchObject({ fromSeq: 3, toSeq: 5, state: 'missing' });
  });
});
