import { beforeEach, describe, expect, it } from 'vitest';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { forgetConnections, HANDSHAKE_GRACE_MS } from '../../../lambdas/domain/forget-connections';
import { addAgent, addViewer, container, createWorld, NOW, type World } from './in-memory-deps';

/** A viewer whose `$connect` ran `ageMs` ago. */
async function viewerConnected(world: World, connectionId: string, ageMs: number): Promise<void> {
  await world.connections.add({ connectionId, role: 'viewer', connectedAt: new Date(NOW - ageMs).toISOString() });
}

describe('forgetConnections', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world, 'host-1', 'agent-conn', ['c1']);
  });

  it('keeps a viewer that answered 410 while its handshake may still be completing', async () => {
    // API Gateway answers 410 between $connect (which wrote the record) and the end of the handshake.
    await viewerConnected(world, 'opening', 50);

    await forgetConnections(world, [{ connectionId: 'opening', mayBeOpening: true }]);

    expect(await world.connections.get('opening')).toBeDefined();
    expect(await world.connections.viewerIds()).toContain('opening');
  });

  it('forgets a viewer that answered 410 once past the handshake window', async () => {
    await viewerConnected(world, 'old', HANDSHAKE_GRACE_MS + 1);
    await world.subscriptions.add('old', container('c1'));

    await forgetConnections(world, [{ connectionId: 'old', mayBeOpening: true }]);

    expect(await world.connections.get('old')).toBeUndefined();
    expect(world.subscriptions.of('old')).toEqual([]);
  });

  it('forgets a young connection at its $disconnect, or when a reply to it answers 410: it had opened', async () => {
    await viewerConnected(world, 'brief', 50);
    await viewerConnected(world, 'replied-to', 50);

    await disconnect(world, 'brief');
    await forgetConnections(world, [{ connectionId: 'replied-to' }]);

    expect(await world.connections.viewerIds()).not.toContain('brief');
    expect(await world.connections.viewerIds()).not.toContain('replied-to');
  });

  it('keeps a viewer that a host broadcast found gone while it was opening', async () => {
    await viewerConnected(world, 'opening', 50);
    world.messenger.gone.add('opening');

    await disconnect(world, 'agent-conn');

    expect(await world.connections.viewerIds()).toContain('opening');
  });

  it('still forgets a gone viewer the scenario helpers opened a minute ago', async () => {
    await addViewer(world, 'viewer-1');

    await forgetConnections(world, [{ connectionId: 'viewer-1' }]);

    expect(await world.connections.get('viewer-1')).toBeUndefined();
  });
});
