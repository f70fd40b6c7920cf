import { beforeEach, describe, expect, it } from 'vitest';
import { byteLength, encode, MAX_FETCH_LINES, type LogFetched } from '../../../protocol';
import { fetchLines } from '../../../lambdas/domain/fetch-lines';
import { linesOfPacked } from '../../support/packed-batches';
import { addViewer, container, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const viewer = { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW } as const;
const fetch = (afterSeq: number, toSeq: number, epoch = EPOCH) =>
  ({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq, toSeq }) as const;
const fetchedLines = (world: World) => linesOfPacked((world.messenger.to('viewer-1') as LogFetched[]).flatMap((m) => m.batches));

describe('fetchLines (log.fetch)', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, viewer.connectionId);
    for (let first = 1; first <= 30; first += 10) await world.buffer.store(container(), lines(first, first + 9));
  });

  it('answers the stored batches holding seqs of the range, whole, oldest first', async () => {
    await fetchLines(world, viewer, fetch(7, 23));

    expect(world.messenger.to('viewer-1')).toEqual([
      expect.objectContaining({ action: 'log.fetched', agentId: 'host-1', containerId: 'c1', epoch: EPOCH, afterSeq: 7, toSeq: 23, done: true }),
    ]);
    expect((world.messenger.to('viewer-1')[0] as LogFetched).batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[1, 10], [11, 20], [21, 30]]);
    expect(fetchedLines(world)).toEqual(lines(1, 30));
  });

  it('leaves out the batches that end at or before afterSeq and those that start after toSeq', async () => {
    await fetchLines(world, viewer, fetch(10, 20));

    expect((world.messenger.to('viewer-1')[0] as LogFetched).batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[11, 20]]);
  });

  it('answers no batches for a range of an epoch the buffer does not hold', async () => {
    await world.buffer.store(container(), lines(1, 40, (seq) => `new ${seq}`), EPOCH + 1);

    await fetchLines(world, viewer, fetch(7, 23, EPOCH + 2));

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ action: 'log.fetched', epoch: EPOCH + 2, batches: [], done: true })]);
  });

  it('answers the range of an older epoch still buffered, not the newer one at the same seqs', async () => {
    await world.buffer.store(container(), lines(1, 40, (seq) => `new ${seq}`), EPOCH + 1);

    await fetchLines(world, viewer, fetch(10, 20));

    expect(fetchedLines(world)).toEqual(lines(11, 20));
  });

  it('loads older lines far below the newest ones ("load older"), reading only the batches of the range', async () => {
    for (let first = 31; first <= 5000; first += 10) await world.buffer.store(container(), lines(first, first + 9));

    await fetchLines(world, viewer, fetch(0, MAX_FETCH_LINES));

    expect(fetchedLines(world)).toEqual(lines(1, MAX_FETCH_LINES));
    expect(world.buffer.reads).toEqual([MAX_FETCH_LINES / 10]);
  });

  it('answers a range whose batches pass the read bound with its oldest part, whole batches up to the bound, and says the seq it read to: the viewer asks for the rest, and marks nothing missing', async () => {
    const bytesOf = (first: number) => world.buffer.batches.get('host-1/c1')!.find((b) => b.firstSeq === first)!.data.length;
    const bound = bytesOf(1) + bytesOf(11) + 1;

    await fetchLines(world, viewer, fetch(0, 30), undefined, bound);

    const answers = world.messenger.to('viewer-1') as LogFetched[];
    expect(answers.map((a) => [a.readToSeq, a.done])).toEqual([[20, true]]);
    expect(fetchedLines(world)).toEqual(lines(1, 20));
    expect(world.buffer.reads).toEqual([2]);
  });

  it('always answers at least the first batch of the range, however large it is', async () => {
    await fetchLines(world, viewer, fetch(0, 30), undefined, 1);

    expect((world.messenger.to('viewer-1') as LogFetched[]).map((a) => a.readToSeq)).toEqual([10]);
    expect(fetchedLines(world)).toEqual(lines(1, 10));
  });

  it('says no readToSeq when the whole range fits the bound, even when its end is not buffered', async () => {
    await fetchLines(world, viewer, fetch(20, 40));

    expect((world.messenger.to('viewer-1') as LogFetched[]).map((a) => 'readToSeq' in a)).toEqual([false]);
  });

  it('splits a large range into several messages under the size limit, done on the last', async () => {
    await fetchLines(world, viewer, fetch(0, 30), 500);

    const parts = world.messenger.to('viewer-1') as LogFetched[];
    expect(parts.length).toBeGreaterThan(1);
    expect(fetchedLines(world)).toEqual(lines(1, 30));
    expect(parts.map((p) => p.done)).toEqual([...parts.slice(1).map(() => false), true]);
    for (const part of parts) expect(byteLength(encode(part))).toBeLessThan(500);
  });
});
