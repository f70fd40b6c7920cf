import { beforeEach, describe, expect, it } from 'vitest';
import { byteLength, encode, type LogFetched } from '../../../protocol';
import { fetchLines } from '../../../lambdas/domain/fetch-lines';
import { addViewer, container, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const viewer = { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW } as const;
const fetch = (afterSeq: number, toSeq: number, epoch = EPOCH) =>
  ({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq, toSeq }) as const;

describe('fetchLines (log.fetch)', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, viewer.connectionId);
    for (let first = 1; first <= 30; first += 10) await world.buffer.put(container(), lines(first, first + 9));
  });

  it('answers the buffered lines of the range, across batches, oldest first', async () => {
    await fetchLines(world, viewer, fetch(7, 23));

    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'log.fetched', agentId: 'host-1', containerId: 'c1', epoch: EPOCH, afterSeq: 7, toSeq: 23, lines: lines(8, 23), done: true },
    ]);
  });

  it('answers what is left when the buffer no longer holds the whole range', async () => {
    await world.buffer.deleteThrough(container(), EPOCH, 10);

    await fetchLines(world, viewer, fetch(5, 14));

    expect((world.messenger.to('viewer-1')[0] as LogFetched).lines).toEqual(lines(11, 14));
  });

  it('answers no lines for a range of an epoch the buffer has dropped for a newer one', async () => {
    await world.buffer.put(container(), lines(1, 40, (seq) => `new ${seq}`), EPOCH + 1);
    await world.buffer.deleteThrough(container(), EPOCH + 1, 0);

    await fetchLines(world, viewer, fetch(7, 23));

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ action: 'log.fetched', epoch: EPOCH, lines: [], done: true })]);
  });

  it('splits a large range into several messages under the size limit, done on the last', async () => {
    await fetchLines(world, viewer, fetch(0, 30), 1200);

    const parts = world.messenger.to('viewer-1') as LogFetched[];
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.lines)).toEqual(lines(1, 30));
    expect(parts.map((p) => p.done)).toEqual([...parts.slice(1).map(() => false), true]);
    for (const part of parts) expect(byteLength(encode(part))).toBeLessThan(1200);
  });
});
