import { describe, expect, it } from 'vitest';
import type { LogHistory, LogLine } from '../../protocol';
import { createLogsStore } from '../../web/src/state/logs-store';

const ref = { agentId: 'host-1', containerId: 'c1' } as const;
const other = { agentId: 'host-1', containerId: 'c2' } as const;

function lines(...seqs: number[]): LogLine[] {
  return seqs.map((seq) => ({ seq, ts: `2024-05-06T07:08:${String(seq % 60).padStart(2, '0')}.000000001Z`, stream: 'stdout', text: `line ${seq}` }));
}

function history(target: typeof ref | typeof other, seqs: number[], extra: Partial<LogHistory> = {}): LogHistory {
  return { action: 'log.history', ...target, lines: lines(...seqs), done: true, ...extra };
}

function seqsOf(store: ReturnType<typeof createLogsStore>, target: typeof ref | typeof other): number[] {
  return store.view(target).rows.map((row) => (row.kind === 'line' ? row.seq : -1));
}

describe('logs store', () => {
  it('replaces a container’s lines with a history marked reset, then applies live lines after it', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [4999, 5000]));

    store.beginHistory(ref);
    store.applyHistory(history(ref, [], { reset: true }));
    store.applyBatch({ action: 'log.batch', ...ref, lines: lines(1, 2) });

    expect(seqsOf(store, ref)).toEqual([1, 2]);
    expect(store.lastSeq(ref)).toBe(2);
  });

  it('resets only on the reset message, not on the later parts of the same history', () => {
    const store = createLogsStore({ scheduleFrame: () => {} });
    store.applyHistory(history(ref, [5000]));

    store.beginHistory(ref);
    store.applyHistory(history(ref, [1, 2], { reset: true, done: false }));
    store.applyHistory(history(ref, [3, 4]));

    expect(seqsOf(store, ref)).toEqual([1, 2, 3, 4]);
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
    expect(seqsOf(store, ref)).toEqual([1]);
  });
});
