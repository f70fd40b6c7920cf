import { beforeEach, describe, expect, it } from 'vitest';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { addAgent, addViewer, container, createWorld, NOW, type World } from './in-memory-deps';

const viewer = { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW } as const;
const request = (containerId: string) => ({ action: 'log.unsubscribe', agentId: 'host-1', containerId }) as const;

/** Each unsubscribe leaves a marker for hours: what a viewer may unsubscribe from is bounded. */
describe('unsubscribe, bounded', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world, 'host-1', 'agent-conn', ['c1', 'c2']);
    await addViewer(world, 'viewer-1');
  });

  it('refuses an id the viewer does not watch and no inventory has, writing nothing and telling the agent nothing', async () => {
    const attempt = unsubscribe(world, viewer, request('no-such-container'));

    await expect(attempt).rejects.toMatchObject({ code: 'unknown_target' });
    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(await world.subscriptions.ofConnection('viewer-1')).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it('sends no stop for a container of the inventory that this viewer was not watching', async () => {
    await unsubscribe(world, viewer, request('c2'));

    expect(world.messenger.to('agent-conn')).toEqual([]);
  });

  it('still ends a subscription to a container that has left the inventory since', async () => {
    await world.subscriptions.add('viewer-1', container('gone-away'));

    await unsubscribe(world, viewer, request('gone-away'));

    expect(world.subscriptions.of('viewer-1')).toEqual([]);
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.stream.stop', containerId: 'gone-away' }]);
  });
});
