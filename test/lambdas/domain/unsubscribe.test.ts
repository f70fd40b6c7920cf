import { beforeEach, describe, expect, it } from 'vitest';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { addAgent, addViewer, container, createWorld, type World } from './in-memory-deps';

const request = { action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' } as const;
const viewer = (connectionId: string) => ({ connectionId, role: 'viewer' }) as const;

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

  it('marks the agent offline when its connection turns out to be gone', async () => {
    world.messenger.gone.add('agent-conn');

    await unsubscribe(world, viewer('viewer-1'), request);
    await unsubscribe(world, viewer('viewer-2'), request);

    expect((await world.agents.get('host-1'))?.online).toBe(false);
    expect(await world.connections.get('agent-conn')).toBeUndefined();
  });
});
