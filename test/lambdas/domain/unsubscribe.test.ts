import { beforeEach, describe, expect, it } from 'vitest';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { addAgent, addViewer, container, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const request = { action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' } as const;
const viewer = (connectionId: string) => ({ connectionId, role: 'viewer', requestTime: NOW }) as const;

describe('unsubscribe', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world);
    for (const id of ['viewer-1', 'viewer-2']) {
      await addViewer(world, id);
      await world.subscriptions.add(id, container());
    }
  });

  it('leaves the stream running while another viewer still watches', async () => {
    await unsubscribe(world, viewer('viewer-1'), request);

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it('stops the agent stream when the last viewer leaves', async () => {
    await unsubscribe(world, viewer('viewer-1'), request);
    await unsubscribe(world, viewer('viewer-2'), request);

    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.stream.stop', containerId: 'c1' }]);
  });

  it('sends nothing to an agent that is offline', async () => {
    await world.agents.markOffline('host-1', 'agent-conn', '2026-11-25T12:00:00.000Z');

    await unsubscribe(world, viewer('viewer-1'), request);
    await unsubscribe(world, viewer('viewer-2'), request);

    expect(world.messenger.sent).toEqual([]);
  });

  it('keeps a subscription made by a later subscribe that was handled before this unsubscribe, and stops nothing', async () => {
    await unsubscribe(world, viewer('viewer-2'), request);
    // viewer-1 sent unsubscribe at NOW + 10, then subscribe at NOW + 20; the subscribe ran first.
    await subscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 20 }, { ...request, action: 'log.subscribe' });
    world.messenger.sent.length = 0;

    await unsubscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 10 }, request);

    expect(world.subscriptions.of('viewer-1')).toEqual(['host-1/c1']);
    expect(world.messenger.sent).toEqual([]);
  });

  it('removes a subscription made at or before the unsubscribe', async () => {
    await world.subscriptions.add('viewer-1', container(), { at: NOW + 10, op: 0 });

    await unsubscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 10 }, request);

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
  });

  it('starts the stream again when a viewer subscribed while the stop was on its way to the agent', async () => {
    await world.buffer.store(container(), lines(1, 3));
    await unsubscribe(world, viewer('viewer-1'), request);
    // viewer-3's subscribe lands between our "anyone left?" check and the stop reaching the agent:
    // its start may have overtaken our stop.
    world.messenger.beforeSend = async (_connectionId, message) => {
      if (message.action === 'log.stream.stop') await world.subscriptions.add('viewer-3', container(), { at: NOW, op: 0 });
    };

    await unsubscribe(world, viewer('viewer-2'), request);

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'log.stream.stop', containerId: 'c1' },
      { action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, resume: { seq: 3, ts: lines(3, 3)[0]!.ts, textsAtTs: ['line 3'] }, epoch: EPOCH },
    ]);
  });

  it('marks the agent offline when its connection turns out to be gone', async () => {
    world.messenger.gone.add('agent-conn');

    await unsubscribe(world, viewer('viewer-1'), request);
    await unsubscribe(world, viewer('viewer-2'), request);

    expect((await world.agents.get('host-1'))?.online).toBe(false);
    expect(await world.connections.get('agent-conn')).toBeUndefined();
  });

  it('leaves no marker behind when the viewer was cleaned up while the unsubscribe was on its way', async () => {
    // $disconnect ran between the unsubscribe's look at the subscription and its marker: the
    // clean-up found the subscription and removed it, and nothing would ever remove the marker.
    const isSubscribed = world.subscriptions.isSubscribed.bind(world.subscriptions);
    world.subscriptions.isSubscribed = async (connectionId, ref) => {
      const answer = await isSubscribed(connectionId, ref);
      await disconnect(world, connectionId);
      return answer;
    };

    await unsubscribe(world, viewer('viewer-1'), request);

    expect(await world.subscriptions.ofConnection('viewer-1')).toEqual([]);
  });

  describe('handled before a subscribe the viewer sent earlier', () => {
    const subscribeRequest = { ...request, action: 'log.subscribe' } as const;

    it('leaves a marker, so that the late subscribe writes nothing, sends no history and starts no stream', async () => {
      await unsubscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 20 }, request);
      world.messenger.sent.length = 0;

      await subscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 10 }, subscribeRequest);

      expect(world.subscriptions.of('viewer-1')).toEqual([]);
      expect(world.messenger.sent).toEqual([]);
    });

    it('lets the unsubscribe win a tie in the same millisecond, whichever is handled first', async () => {
      await unsubscribe(world, viewer('viewer-1'), request);
      await subscribe(world, viewer('viewer-1'), subscribeRequest);
      await subscribe(world, viewer('viewer-2'), subscribeRequest);
      await unsubscribe(world, viewer('viewer-2'), request);

      expect(world.subscriptions.of('viewer-1')).toEqual([]);
      expect(world.subscriptions.of('viewer-2')).toEqual([]);
    });

    it('orders a tie by the op counters when the viewer sends them', async () => {
      await unsubscribe(world, viewer('viewer-1'), { ...request, op: 1 });
      await subscribe(world, viewer('viewer-1'), { ...subscribeRequest, op: 2 });

      expect(world.subscriptions.of('viewer-1')).toEqual(['host-1/c1']);
    });
  });
});
