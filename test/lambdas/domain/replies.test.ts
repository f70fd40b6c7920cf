import { describe, expect, it } from 'vitest';
import { getInventory } from '../../../lambdas/domain/get-inventory';
import { ping } from '../../../lambdas/domain/ping';
import { addAgent, addViewer, createWorld, NOW } from './in-memory-deps';

describe('ping', () => {
  it.each(['agent', 'viewer'] as const)('answers a %s with pong', async (role) => {
    const world = createWorld();

    await ping(world, { connectionId: 'c-1', role, requestTime: NOW }, { action: 'ping' });

    expect(world.messenger.to('c-1')).toEqual([{ action: 'pong' }]);
  });
});

describe('getInventory', () => {
  it('answers with every known host', async () => {
    const world = createWorld();
    await addAgent(world, 'host-1', 'a1', ['c1']);
    await addAgent(world, 'host-2', 'a2', []);
    await addViewer(world, 'v');

    await getInventory(world, { connectionId: 'v', role: 'viewer', requestTime: NOW }, { action: 'inventory.get' });

    expect(world.messenger.to('v')).toEqual([
      { action: 'inventory', hosts: [expect.objectContaining({ agentId: 'host-1' }), expect.objectContaining({ agentId: 'host-2', containers: [] })], done: true },
    ]);
  });

  it('forgets a viewer that is gone by the time the answer goes out', async () => {
    const world = createWorld();
    await addViewer(world, 'v');
    world.messenger.gone.add('v');

    await getInventory(world, { connectionId: 'v', role: 'viewer', requestTime: NOW }, { action: 'inventory.get' });

    expect(await world.connections.get('v')).toBeUndefined();
  });
});
