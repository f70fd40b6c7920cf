import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  byteLength,
  encode,
  MAX_MESSAGE_BYTES,
  MAX_SUBSCRIBERS_PER_CONTAINER,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  ProtocolError,
  type LogHistory,
} from '../../../protocol';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { linesOfPacked } from '../../support/packed-batches';
import { addAgent, addViewer, container, containerInfo, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const viewer = { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW } as const;
const request = { action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' } as const;
/** The lines of the history messages a viewer got, unpacked. */
const historyLines = (messages: readonly LogHistory[]) => linesOfPacked(messages.flatMap((m) => m.batches));
/** About 700 characters that compress poorly (hashes), so that a history needs several messages. */
const noisy = (seq: number) => `${seq} ${Array.from({ length: 16 }, (_, i) => createHash('sha256').update(`${seq}/${i}`).digest('base64')).join('')}`;
const seqsOf = (messages: readonly LogHistory[]) => historyLines(messages).map((l) => l.seq);

describe('subscribe', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, viewer.connectionId);
    await addAgent(world);
  });

  it('writes the subscription first, then sends the history, then asks the agent to stream', async () => {
    await world.buffer.store(container(), lines(1, 3));

    await subscribe(world, viewer, request);

    const order = world.journal.filter((entry) => !entry.startsWith('buffer.read'));
    expect(order).toEqual([
      'subscriptions.add viewer-1 host-1/c1',
      'send viewer-1 log.history',
      'send agent-conn log.stream.start',
    ]);
    expect(world.journal.indexOf('subscriptions.add viewer-1 host-1/c1')).toBeLessThan(world.journal.indexOf('buffer.read host-1/c1'));
  });

  it('stamps the subscription with the request time, so an older unsubscribe cannot delete it', async () => {
    await subscribe(world, { ...viewer, requestTime: NOW + 42 }, request);

    expect(world.subscriptions.byContainer.get('host-1/c1')?.get('viewer-1')).toEqual({ at: NOW + 42, op: 0 });
  });

  it('sends the buffered lines oldest first and a start that resumes after the newest one', async () => {
    await world.buffer.store(container(), lines(1, 2));
    await world.buffer.store(container(), lines(3, 4));

    await subscribe(world, viewer, request);

    const histories = world.messenger.to('viewer-1') as LogHistory[];
    expect(histories).toEqual([{ action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: expect.any(Array), done: true, epoch: EPOCH }]);
    expect(histories[0]!.batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([[1, 2], [3, 4]]);
    expect(historyLines(histories)).toEqual(lines(1, 4));
    const newest = lines(4, 4)[0]!;
    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, resume: { seq: 4, ts: newest.ts, textsAtTs: ['line 4'] }, epoch: EPOCH },
    ]);
  });

  it('puts every buffered text stamped with the newest timestamp into the resume point, across batches', async () => {
    const same = '2026-11-25T11:59:59.123456789Z';
    await world.buffer.store(container(), [...lines(1, 1), ...lines(2, 3, (seq) => `same ${seq}`, same)]);
    await world.buffer.store(container(), lines(4, 5, (seq) => `same ${seq}`, same));

    await subscribe(world, viewer, request);

    expect(world.messenger.to('agent-conn')[0]).toMatchObject({
      resume: { seq: 5, ts: same, textsAtTs: ['same 2', 'same 3', 'same 4', 'same 5'] },
    });
  });

  it('sends one empty history with done: true (and no epoch) and a tail start in a new epoch when nothing is buffered', async () => {
    await subscribe(world, viewer, request);

    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true },
    ]);
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, epoch: NOW }]);
  });

  it('splits a long history into several messages, each under the 128 KB limit, oldest first, done on the last', async () => {
    const kilobyte = noisy;
    for (let first = 1; first <= 1000; first += 100) await world.buffer.store(container(), lines(first, first + 99, kilobyte));

    await subscribe(world, viewer, request);

    const histories = world.messenger.to('viewer-1') as LogHistory[];
    expect(histories.length).toBeGreaterThan(1);
    for (const message of histories) expect(byteLength(encode(message))).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(histories.map((m) => m.done)).toEqual([...Array(histories.length - 1).fill(false), true]);
    expect(seqsOf(histories)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('sends only the batches holding lines after afterSeq (whole: the viewer drops the seen ones), but still resumes the stream after the newest line', async () => {
    await world.buffer.store(container(), lines(1, 5));
    await world.buffer.store(container(), lines(6, 10));

    await subscribe(world, viewer, { ...request, afterSeq: 7 });

    expect(seqsOf(world.messenger.to('viewer-1') as LogHistory[])).toEqual([6, 7, 8, 9, 10]);
    expect(world.messenger.to('agent-conn')[0]).toMatchObject({ resume: { seq: 10 } });
  });

  it('sends an empty, done history when the viewer has already seen every buffered line', async () => {
    await world.buffer.store(container(), lines(1, 5));

    await subscribe(world, viewer, { ...request, afterSeq: 5 });

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ batches: [], done: true })]);
  });

  describe('when afterSeq is ahead of the buffer (the numbering started over after the buffer expired)', () => {
    it('sends one empty, done history marked reset when nothing is buffered', async () => {
      await subscribe(world, viewer, { ...request, afterSeq: 5000 });

      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true, reset: true },
      ]);
    });

    it('sends the whole buffer, ignoring afterSeq, with reset on the first message only', async () => {
      const kilobyte = noisy;
      for (let first = 1; first <= 300; first += 100) await world.buffer.store(container(), lines(first, first + 99, kilobyte));

      await subscribe(world, viewer, { ...request, afterSeq: 5000 });

      const histories = world.messenger.to('viewer-1') as LogHistory[];
      expect(histories.length).toBeGreaterThan(1);
      expect(histories.map((m) => m.reset)).toEqual([true, ...Array(histories.length - 1).fill(undefined)]);
      expect(histories.map((m) => 'reset' in m)).toEqual([true, ...Array(histories.length - 1).fill(false)]);
      for (const message of histories) expect(byteLength(encode(message))).toBeLessThan(MAX_MESSAGE_BYTES);
      expect(seqsOf(histories)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(world.messenger.to('agent-conn')[0]).toMatchObject({ resume: { seq: 300 } });
    });

    it.each([
      ['inside the buffer', 3, [1, 2, 3, 4, 5]],
      ['at its newest line', 5, []],
      ['before its oldest line', 0, [1, 2, 3, 4, 5]],
    ])('does not reset when afterSeq is %s', async (_name, afterSeq, expected) => {
      await world.buffer.store(container(), lines(1, 5));

      await subscribe(world, viewer, { ...request, afterSeq });

      const histories = world.messenger.to('viewer-1') as LogHistory[];
      expect(histories.some((m) => 'reset' in m)).toBe(false);
      expect(seqsOf(histories)).toEqual(expected);
    });
  });

  describe("when the viewer's afterSeq is of another epoch (the numbering restarted and the new seqs reached its afterSeq)", () => {
    const renumbered = (seq: number) => `renumbered ${seq}`;

    it('sends the whole buffer of the new epoch, marked reset, though afterSeq lies inside its seqs', async () => {
      await world.buffer.store(container(), lines(1, 20, renumbered), EPOCH + 1);

      await subscribe(world, viewer, { ...request, afterSeq: 5, epoch: EPOCH });

      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: expect.any(Array), done: true, reset: true, epoch: EPOCH + 1 },
      ]);
      expect(historyLines(world.messenger.to('viewer-1') as LogHistory[])).toEqual(lines(1, 20, renumbered));
    });

    it('sends only the lines after afterSeq when the epoch is the same', async () => {
      await world.buffer.store(container(), lines(1, 15));
      await world.buffer.store(container(), lines(16, 20));

      await subscribe(world, viewer, { ...request, afterSeq: 15, epoch: EPOCH });

      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: expect.any(Array), done: true, epoch: EPOCH },
      ]);
      expect(historyLines(world.messenger.to('viewer-1') as LogHistory[])).toEqual(lines(16, 20));
    });

    it('serves only the newest epoch when older epochs still linger in the buffer', async () => {
      await world.buffer.store(container(), lines(21, 30), EPOCH);
      await world.buffer.store(container(), lines(1, 3, renumbered), EPOCH + 1);

      await subscribe(world, viewer, request);

      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: expect.any(Array), done: true, epoch: EPOCH + 1 },
      ]);
      expect(historyLines(world.messenger.to('viewer-1') as LogHistory[])).toEqual(lines(1, 3, renumbered));
    });
  });

  it('sends the newest whole batches that hold bufferLines lines, the first reaching back as far as it holds', async () => {
    world = createWorld({ bufferLines: 3 });
    await addViewer(world, viewer.connectionId);
    await addAgent(world);
    for (const first of [1, 3, 5]) await world.buffer.store(container(), lines(first, first + 1));

    await subscribe(world, viewer, request);

    expect(seqsOf(world.messenger.to('viewer-1') as LogHistory[])).toEqual([3, 4, 5, 6]);
  });

  it('reads the history with one bounded read of at most bufferLines batches, however many are stored', async () => {
    world = createWorld({ bufferLines: 10 });
    await addViewer(world, viewer.connectionId);
    await addAgent(world);
    for (let seq = 1; seq <= 50; seq++) await world.buffer.store(container(), lines(seq, seq));

    await subscribe(world, viewer, { ...request, afterSeq: 45 });

    // The history's read, then the resume point's (find-resume-point.ts).
    expect(world.buffer.reads[0]).toBe(10);
    expect(world.buffer.reads).toHaveLength(2);
    expect(seqsOf(world.messenger.to('viewer-1') as LogHistory[])).toEqual([46, 47, 48, 49, 50]);
  });

  it('rejects an agent that never registered with unknown_target and records nothing', async () => {
    const attempt = subscribe(world, viewer, { ...request, agentId: 'nobody' });

    await expect(attempt).rejects.toBeInstanceOf(ProtocolError);
    await expect(attempt).rejects.toMatchObject({ code: 'unknown_target' });
    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it('keeps the subscription while the agent is offline and starts the stream when the agent registers', async () => {
    await world.agents.put({ ...(await world.agents.get('host-1'))!, online: false });
    await world.buffer.store(container(), lines(1, 2));

    await subscribe(world, viewer, request);

    expect(world.messenger.to('agent-conn')).toEqual([]);
    expect(world.subscriptions.of('viewer-1')).toEqual(['host-1/c1']);

    await world.connections.add({ connectionId: 'agent-conn-2', role: 'agent', connectedAt: '2026-11-25T12:00:00.000Z' });
    await registerAgent(world, { connectionId: 'agent-conn-2', role: 'agent', agentId: 'host-1', requestTime: NOW, connectedAt: NOW }, {
      action: 'agent.register',
      hostName: 'host-1.local',
      agentVersion: '0.1.0',
      containers: [containerInfo('c1'), containerInfo('c2')],
    });

    expect(world.messenger.to('agent-conn-2')).toEqual([
      { action: 'agent.registered', agentId: 'host-1', watched: ['c1'] },
      { action: 'log.stream.start', containerId: 'c1', tail: 1000, resume: { seq: 2, ts: lines(2, 2)[0]!.ts, textsAtTs: ['line 2'] }, epoch: EPOCH },
    ]);
  });

  it('forgets a viewer that left before its history arrived, and starts nothing for it', async () => {
    world.messenger.gone.add('viewer-1');

    await subscribe(world, viewer, request);

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(await world.connections.get('viewer-1')).toBeUndefined();
    expect(world.messenger.to('agent-conn').map((m) => m.action)).not.toContain('log.stream.start');
  });

  it('gets a throttled history through with the retries of a broadcast, then starts the stream', async () => {
    await world.buffer.store(container(), lines(1, 2));
    world.messenger.failTimes.set('viewer-1', 2);

    await subscribe(world, viewer, request);

    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: expect.any(Array), done: true, epoch: EPOCH },
    ]);
    expect(historyLines(world.messenger.to('viewer-1') as LogHistory[])).toEqual(lines(1, 2));
    expect(world.messenger.to('agent-conn').map((m) => m.action)).toEqual(['log.stream.start']);
  });

  it('still starts the stream, keeping the subscription, and then fails when the history cannot be posted even after retrying', async () => {
    await world.buffer.store(container(), lines(1, 2));
    world.messenger.beforeSend = async (_connectionId, message) => {
      if (message.action === 'log.history') throw Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
    };

    await expect(subscribe(world, viewer, request)).rejects.toThrow(/history of host-1\/c1/);

    expect(world.messenger.to('agent-conn').map((m) => m.action)).toEqual(['log.stream.start']);
    expect(world.subscriptions.of('viewer-1')).toEqual(['host-1/c1']);
    // Retried within the broadcast's window, not for ever.
    expect(world.journal.filter((entry) => entry === 'send viewer-1 log.history').length).toBeGreaterThan(1);
    expect(world.clock.now() - NOW).toBeLessThanOrEqual(2_000);
  });

  it('stops the stream again when an unsubscribe handled meanwhile sent its stop before this start', async () => {
    world.messenger.beforeSend = async (_connectionId, message) => {
      if (message.action !== 'log.stream.start') return;
      world.messenger.beforeSend = undefined;
      await unsubscribe(world, { ...viewer, requestTime: NOW + 1 }, { ...request, action: 'log.unsubscribe' });
    };

    await subscribe(world, viewer, request);

    expect(world.messenger.to('agent-conn').map((m) => m.action)).toEqual(['log.stream.stop', 'log.stream.start', 'log.stream.stop']);
  });

  it('removes its subscription again, sending nothing, when the viewer was cleaned up while it was written', async () => {
    // $disconnect removed the connection record before looking for subscriptions, and found none yet.
    await world.connections.remove('viewer-1');

    await subscribe(world, viewer, request);

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(world.messenger.to('viewer-1')).toEqual([]);
    expect(world.messenger.to('agent-conn').map((m) => m.action)).not.toContain('log.stream.start');
  });

  describe('bounded viewer input', () => {
    const fullId = '4f2a9c1e0b7d4a3f8e6c5b2a19d0e7f6c3b8a5d2e9f1c4b7a0d3e6f9c2b5a8d1';

    it.each([
      ['an id prefix', '4f'],
      ['a longer id prefix', '4f2'],
      ['a container name', 'postgres'],
    ])('refuses %s with unknown_target, writing and starting nothing: only full ids of the current inventory', async (_name, containerId) => {
      await addAgent(world, 'host-1', 'agent-conn', [fullId]);

      const attempt = subscribe(world, viewer, { ...request, containerId });

      await expect(attempt).rejects.toMatchObject({ code: 'unknown_target', message: expect.stringContaining('inventory') });
      expect(world.subscriptions.of('viewer-1')).toEqual([]);
      expect(world.messenger.sent).toEqual([]);
    });

    it('accepts the full id the inventory lists', async () => {
      await addAgent(world, 'host-1', 'agent-conn', [fullId]);

      await subscribe(world, viewer, { ...request, containerId: fullId });

      expect(world.subscriptions.of('viewer-1')).toEqual([`host-1/${fullId}`]);
    });

    it(`refuses a subscription beyond ${MAX_SUBSCRIPTIONS_PER_CONNECTION} per connection with limit_exceeded, writing nothing`, async () => {
      const held = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, (_, i) => `held-${i}`);
      await addAgent(world, 'host-1', 'agent-conn', [...held, 'one-more']);
      for (const id of held) await world.subscriptions.add('viewer-1', container(id));
      world.journal.length = 0;

      const attempt = subscribe(world, viewer, { ...request, containerId: 'one-more' });

      await expect(attempt).rejects.toBeInstanceOf(ProtocolError);
      await expect(attempt).rejects.toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining(String(MAX_SUBSCRIPTIONS_PER_CONNECTION)) });
      expect(world.subscriptions.of('viewer-1')).not.toContain('host-1/one-more');
      expect(world.journal.filter((entry) => entry.startsWith('subscriptions.add'))).toEqual([]);
      expect(world.messenger.sent).toEqual([]);
    });

    it('still lets a viewer at the cap subscribe again to a container it already watches', async () => {
      const held = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, (_, i) => `held-${i}`);
      await addAgent(world, 'host-1', 'agent-conn', held);
      for (const id of held) await world.subscriptions.add('viewer-1', container(id));

      await subscribe(world, viewer, { ...request, containerId: 'held-0' });

      expect(world.messenger.to('viewer-1').map((m) => m.action)).toEqual(['log.history']);
    });

    it(`refuses a subscriber beyond ${MAX_SUBSCRIBERS_PER_CONTAINER} per container with limit_exceeded, writing nothing`, async () => {
      for (let i = 0; i < MAX_SUBSCRIBERS_PER_CONTAINER; i++) await world.subscriptions.add(`other-${i}`, container());

      const attempt = subscribe(world, viewer, request);

      await expect(attempt).rejects.toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining(String(MAX_SUBSCRIBERS_PER_CONTAINER)) });
      expect(world.subscriptions.of('viewer-1')).toEqual([]);
      expect(world.messenger.sent).toEqual([]);
    });
  });
});
