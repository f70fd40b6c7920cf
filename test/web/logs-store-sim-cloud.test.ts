import { describe, expect, it } from 'vitest';
import { MAX_FETCH_LINES, type LogLine } from '../../protocol';
import { createLogsStore, type FetchedLines } from '../../web/src/state/logs-store';

// The logs store against a simulated cloud buffer: stored batches (some served as expired), a
// byte bound on every read (readToSeq), live batches lost on the way, answers in parts, late,
// twice, out of order, and the refetch tick between them. Seeded: each run is the same every time.

const ref = { agentId: 'h', containerId: 'c' } as const;
const EPOCH = 7;
/** The byte bound of one read, in the simulation's units (the cloud's is 8 MB). */
const MAX_READ = 400;

const line = (seq: number): LogLine => ({ seq, ts: `2026-01-01T00:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout', text: `l${seq}` });

interface Batch {
  readonly first: number;
  readonly last: number;
  readonly bytes: number;
  /** Served as expired: its item still read (it counts against the bound), its lines gone. */
  readonly gone: boolean;
}

interface Weather {
  /** Share of stored batches gone. */
  readonly gone: number;
  /** Largest batch, in the bound's units. */
  readonly bytes: number;
  /** Answers out of order, some twice, with refetch ticks between them. */
  readonly chaos: boolean;
}

/** xorshift32: a small seeded generator, so a failing seed can be run again. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** As the cloud reads a range: the batch holding afterSeq + 1 and those starting inside, oldest first, within the bound (at least one). */
function read(batches: readonly Batch[], afterSeq: number, toSeq: number): { served: Batch[]; readToSeq?: number } {
  const taken: Batch[] = [];
  let bytes = 0;
  for (const batch of batches.filter((b) => b.last > afterSeq && b.first <= toSeq)) {
    if (taken.length > 0 && bytes + batch.bytes > MAX_READ) return { served: taken.filter((b) => !b.gone), readToSeq: taken[taken.length - 1]!.last };
    taken.push(batch);
    bytes += batch.bytes;
  }
  return { served: taken.filter((b) => !b.gone) };
}

function seqsOf(batch: Batch): number[] {
  return Array.from({ length: batch.last - batch.first + 1 }, (_, i) => batch.first + i);
}

function simulate(seed: number, weather: Weather, inParts: boolean) {
  const random = seeded(seed);
  const batches: Batch[] = [];
  for (let seq = 1; seq <= 3000; ) {
    const n = 1 + Math.floor(random() * 60);
    batches.push({ first: seq, last: seq + n - 1, bytes: 1 + Math.floor(random() * weather.bytes), gone: random() < weather.gone });
    seq += n;
  }
  const newest = batches[batches.length - 1]!.last;
  const queue: { afterSeq: number; toSeq: number }[] = [];
  const store = createLogsStore({
    scheduleFrame: () => {},
    // As the session asks (create-session.ts): the newest MAX_FETCH_LINES of a gap.
    onGap: (_ref, _epoch, gap) => queue.push({ afterSeq: Math.max(gap.fromSeq - 1, gap.toSeq - MAX_FETCH_LINES), toSeq: gap.toSeq }),
    onFetchOlder: (_ref, _epoch, range) => queue.push(range),
  });
  const delivered = new Set<number>();
  const deliver = (seqs: number[]): LogLine[] => {
    for (const seq of seqs) delivered.add(seq);
    return seqs.map(line);
  };
  // The history: the newest 200 seqs before the last 10 batches; then those live, some lost on the way, the last always there.
  const liveFrom = batches.length - 10;
  const historyEnd = batches[liveFrom - 1]!.last;
  const historySeqs = Array.from({ length: 200 }, (_, i) => historyEnd - 199 + i).filter((seq) => seq >= 1);
  store.applyHistory({ ...ref, epoch: EPOCH, lines: deliver(historySeqs), lost: [], done: true });
  for (const batch of batches.slice(liveFrom)) {
    if (random() < 0.4) continue;
    store.applyBatch({ ...ref, epoch: EPOCH, lines: deliver(seqsOf(batch)), lost: [] });
  }
  store.applyBatch({ ...ref, epoch: EPOCH, lines: deliver(seqsOf(batches[batches.length - 1]!)), lost: [] });

  let steps = 0;
  const limit = 20_000;
  while (steps < limit) {
    steps += 1;
    // Nothing asked: the reader scrolls to the top.
    if (queue.length === 0 && store.view(ref).olderStatus === 'idle') store.loadOlder(ref);
    if (queue.length === 0) break;
    const ask = weather.chaos ? queue.splice(Math.floor(random() * queue.length), 1)[0]! : queue.shift()!;
    if (weather.chaos && random() < 0.2) queue.push(ask); // answered twice
    if (weather.chaos && random() < 0.05) store.refetchGaps();
    const { served, readToSeq } = read(batches, ask.afterSeq, ask.toSeq);
    const lines = served.flatMap(seqsOf).map(line);
    const part = (of: LogLine[], done: boolean): FetchedLines => ({ ...ref, epoch: EPOCH, ...ask, ...(readToSeq === undefined ? {} : { readToSeq }), lines: of, lost: [], done });
    if (inParts && lines.length > 1) {
      const cut = Math.floor(lines.length / 2);
      store.applyFetched(part(lines.slice(0, cut), false));
      store.applyFetched(part(lines.slice(cut), true));
    } else store.applyFetched(part(lines, true));
  }
  return { store, batches, newest, steps, limit, delivered };
}

const WEATHER: Record<string, { weather: Weather; seeds: number[] }> = {
  'a few batches gone': { weather: { gone: 0.15, bytes: 100, chaos: false }, seeds: [1, 2, 3, 4, 5] },
  'half the batches gone, reads stopped often': { weather: { gone: 0.5, bytes: MAX_READ, chaos: false }, seeds: [1, 2, 3, 4, 5] },
  'and answers late, twice, out of order, between refetch ticks': { weather: { gone: 0.5, bytes: MAX_READ, chaos: true }, seeds: [11, 12, 13, 14, 15, 16, 17, 18] },
};

describe('the logs store against a simulated cloud buffer with the byte bound: gaps closed and scrolled back to the start', () => {
  for (const [name, { weather, seeds }] of Object.entries(WEATHER)) {
    describe(name, () => {
      for (const inParts of [false, true]) {
        it.each(seeds)(`ends with every seq the cloud holds shown once, in order, each other seq in a missing gap, nothing left fetching (answers ${inParts ? 'in parts' : 'whole'}, seed %i)`, (seed) => {
          const { store, batches, newest, steps, limit, delivered } = simulate(seed, weather, inParts);
          const rows = store.view(ref).rows;
          const shown = rows.flatMap((row) => (row.kind === 'line' ? [row.seq] : []));
          const held = batches.flatMap((batch) => seqsOf(batch).filter((seq) => !batch.gone || delivered.has(seq)));

          expect(steps).toBeLessThan(limit);
          expect(rows.filter((row) => row.kind === 'gap' && row.state === 'fetching')).toEqual([]);
          expect(shown.filter((seq) => seq >= held[0]!)).toEqual(held);
          expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
          // Every seq from the first row's to the newest is a line or inside a gap, in order.
          let next: number | undefined;
          for (const row of rows) {
            if (row.kind !== 'line' && row.kind !== 'gap') continue;
            const [from, to] = row.kind === 'gap' ? [row.fromSeq, row.toSeq] : [row.seq, row.seq];
            if (next !== undefined) expect(from).toBe(next);
            next = to + 1;
          }
          expect(next).toBe(newest + 1);
          expect(store.view(ref).olderStatus).toBe('exhausted');
        });
      }
    });
  }
});
