/** Batches in parts, held in the dashboard until whole: any order, bounded in time and memory. */
import { describe, expect, it } from 'vitest';
import { BatchParts, type PackedPiece } from '../../web/src/api/batch-parts';

const part = (firstSeq: number, lastSeq: number, index: number, count: number, data = `p${index}AAA`, epoch = 7): PackedPiece => ({ epoch, firstSeq, lastSeq, data, part: { index, count } });

describe('batch parts', () => {
  it('hands over a whole batch at once', () => {
    const parts = new BatchParts();

    expect(parts.add('live', { epoch: 7, firstSeq: 1, lastSeq: 5, data: 'AAAA' })).toEqual({ complete: ['AAAA'], dropped: [] });
  });

  it('holds parts until all are in, in whatever order they come, and gives them in part order', () => {
    const parts = new BatchParts();

    expect(parts.add('live', part(1, 9, 2, 3))).toEqual({ dropped: [] });
    expect(parts.add('live', part(1, 9, 0, 3))).toEqual({ dropped: [] });
    const last = parts.add('live', part(1, 9, 1, 3));

    expect(last).toEqual({ complete: ['p0AAA', 'p1AAA', 'p2AAA'], dropped: [] });
    expect(parts.heldChars).toBe(0);
  });

  it('takes a part sent again in place of the one held', () => {
    const parts = new BatchParts();
    parts.add('live', part(1, 9, 0, 2, 'old0'));
    parts.add('live', part(1, 9, 0, 2, 'new0'));

    expect(parts.add('live', part(1, 9, 1, 2, 'last')).complete).toEqual(['new0', 'last']);
  });

  it('gives up a batch when its stream brings later seqs, and reports its seqs', () => {
    const parts = new BatchParts();
    parts.add('live', part(1, 9, 0, 2));

    const outcome = parts.add('live', { epoch: 7, firstSeq: 10, lastSeq: 12, data: 'AAAA' });

    expect(outcome.dropped).toEqual([{ stream: 'live', epoch: 7, firstSeq: 1, lastSeq: 9, reason: 'a batch of later seqs followed it' }]);
    expect(outcome.complete).toEqual(['AAAA']);
    expect(parts.heldChars).toBe(0);
  });

  it('gives up a batch of another epoch than its stream now brings', () => {
    const parts = new BatchParts();
    parts.add('live', part(100, 109, 0, 2, 'AAAA', 7));

    expect(parts.add('live', part(1, 3, 0, 2, 'BBBB', 8)).dropped).toMatchObject([{ firstSeq: 100, lastSeq: 109, epoch: 7 }]);
  });

  it('keeps a held batch when an older batch comes again (a redelivery), and parts of other streams apart', () => {
    const parts = new BatchParts();
    parts.add('live', part(10, 19, 0, 2));

    expect(parts.add('live', { epoch: 7, firstSeq: 1, lastSeq: 9, data: 'AAAA' }).dropped).toEqual([]);
    expect(parts.add('history', { epoch: 7, firstSeq: 30, lastSeq: 39, data: 'AAAA' }).dropped).toEqual([]);
    expect(parts.add('live', part(10, 19, 1, 2)).complete).toHaveLength(2);
  });

  it('gives up a batch no part of which came for maxAgeMs', () => {
    let now = 0;
    const parts = new BatchParts({ maxAgeMs: 1000, now: () => now });
    parts.add('live', part(1, 9, 0, 3));
    now = 600;
    parts.add('live', part(1, 9, 1, 3));
    parts.add('other', part(1, 4, 0, 2));

    now = 1599;
    expect(parts.expire()).toEqual([]);
    now = 1600;
    expect(parts.expire()).toMatchObject([{ stream: 'live', firstSeq: 1, lastSeq: 9 }, { stream: 'other', firstSeq: 1, lastSeq: 4 }]);
    expect(parts.heldChars).toBe(0);
  });

  it('gives up the batch waiting longest when held parts would pass the memory bound', () => {
    const parts = new BatchParts({ maxHeldChars: 10 });
    parts.add('a', part(1, 9, 0, 2, '123456'));

    const outcome = parts.add('b', part(1, 9, 0, 2, 'abcdef'));

    expect(outcome.dropped).toMatchObject([{ stream: 'a', firstSeq: 1, lastSeq: 9 }]);
    expect(parts.heldChars).toBe(6);
  });

  it('gives up what a stream still holds when it ends', () => {
    const parts = new BatchParts();
    parts.add('history', part(1, 9, 0, 2));
    parts.add('live', part(10, 19, 0, 2));

    expect(parts.end('history')).toMatchObject([{ stream: 'history', firstSeq: 1, lastSeq: 9, reason: 'its stream ended before all its parts came' }]);
    expect(parts.end('history')).toEqual([]);
    expect(parts.add('live', part(10, 19, 1, 2)).complete).toHaveLength(2);
  });
});
