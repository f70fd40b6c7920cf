import { beforeEach, describe, expect, it } from 'vitest';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { addAgent, addViewer, container, createWorld, NOW, type World } from './in-memory-deps';

describe('disconnect', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world, 'host-1', 'agent-conn', ['c1', 'c2']);
    await addViewer(world, 'viewer-1');
    await addViewer(world, 'viewer-2');
    await world.subscriptions.add('viewer-1', container('c1'));
    await world.subscriptions.add('viewer-1', container('c2'));
    await world.subscriptions.add('viewer-2', container('c2'));
  });

  it('forgets a viewer with its subscriptions and stops only the streams nobody watches any more', async () => {
    await disconnect(world, 'viewer-1');

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(await world.connections.get('viewer-1')).toBeUndefined();
    expect(await world.connections.viewerIds()).toEqual(['viewer-2']);
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.stream.stop', containerId: 'c1' }]);
  });

  it('starts a stream again when a viewer subscribed while its stop was on the way', async () => {
    world.messenger.beforeSend = async (_connectionId, message) => {
      if (message.action === 'log.stream.stop') await world.subscriptions.add('viewer-2', container('c1'));
    };

    await disconnect(world, 'viewer-1');

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'log.stream.stop', containerId: 'c1' },
      { action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, epoch: NOW },
    ]);
  });

  it('marks a disconnected agent offline and tells every viewer', async () => {
    await disconnect(world, 'agent-conn');

    expect((await world.agents.get('host-1'))?.online).toBe(false);
    for (const id of ['viewer-1', 'viewer-2']) {
      expect(world.messenger.to(id)).toEqual([{ action: 'host', host: expect.objectContaining({ agentId: 'host-1', online: false }) }]);
    }
  });

  it('keeps an agent online when an older connection of it closes after it re-registered', async () => {
    await world.connections.add({ connectionId: 'old-conn', role: 'agent', connectedAt: '2026-11-25T11:00:00.000Z', agentId: 'host-1' });

    await disconnect(world, 'old-conn');

    expect((await world.agents.get('host-1'))?.online).toBe(true);
    expect(world.messenger.sent).toEqual([]);
  });

  it('forgets viewers found gone while telling them, and what they watched', async () => {
    world.messenger.gone.add('viewer-2');

    await disconnect(world, 'agent-conn');

    expect(world.subscriptions.of('viewer-2')).toEqual([]);
    expect(await world.connections.viewerIds()).toEqual(['viewer-1']);
  });

  it('is harmless for a connection it does not know', async () => {
    await disconnect(world, 'never-seen');

    expect(world.messenger.sent).toEqual([]);
    expect(await world.connections.viewerIds()).toEqual(['viewer-1', 'viewer-2']);
  });
});
