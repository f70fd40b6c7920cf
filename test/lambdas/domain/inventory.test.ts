import { beforeEach, describe, expect, it } from 'vitest';
import { byteLength, encode, MAX_INVENTORY_BYTES, MAX_MESSAGE_BYTES, type ContainerInfo, type Inventory } from '../../../protocol';
import { getInventory } from '../../../lambdas/domain/get-inventory';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { updateInventory } from '../../../lambdas/domain/update-inventory';
import { addAgent, addViewer, containerInfo, createWorld, NOW, type World } from './in-memory-deps';

const viewer = { connectionId: 'v', role: 'viewer', requestTime: NOW } as const;
const agentCaller = { connectionId: 'agent-conn', role: 'agent', agentId: 'host-1', requestTime: NOW, connectedAt: NOW } as const;

/** About `kilobytes` KB of serialized containers. */
function bulkyContainers(kilobytes: number): ContainerInfo[] {
  return Array.from({ length: kilobytes }, (_, i) => ({ ...containerInfo(`c${i}`), status: 'x'.repeat(900) }));
}

describe('inventory.get', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, 'v');
  });

  it('answers one empty inventory, done, when no host is known', async () => {
    await getInventory(world, viewer, { action: 'inventory.get' });

    expect(world.messenger.to('v')).toEqual([{ action: 'inventory', hosts: [], done: true }]);
  });

  it('splits hosts above 128 KB in total into several messages, each under the limit, packed in order, done on the last', async () => {
    for (let i = 0; i < 12; i++) {
      await addAgent(world, `host-${String(i).padStart(2, '0')}`, `a${i}`, []);
      const record = (await world.agents.get(`host-${String(i).padStart(2, '0')}`))!;
      await world.agents.put({ ...record, containers: bulkyContainers(40) });
    }

    await getInventory(world, viewer, { action: 'inventory.get' });

    const messages = world.messenger.to('v') as Inventory[];
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(MAX_MESSAGE_BYTES);
    // Greedy: every message but the last is too full to take the next host.
    expect(messages.every((m) => m.hosts.length >= 2)).toBe(true);
    expect(messages.map((m) => m.done)).toEqual([...Array(messages.length - 1).fill(false), true]);
    expect(messages.flatMap((m) => m.hosts.map((h) => h.agentId))).toEqual(Array.from({ length: 12 }, (_, i) => `host-${String(i).padStart(2, '0')}`));
  });

  it('sends a host at the inventory size limit in a message of its own, under 128 KB', async () => {
    const containers = bulkyContainers(Math.floor(MAX_INVENTORY_BYTES / 1024) - 2);
    expect(byteLength(JSON.stringify(containers))).toBeLessThanOrEqual(MAX_INVENTORY_BYTES);
    for (const id of ['host-1', 'host-2']) {
      await addAgent(world, id, `conn-${id}`, []);
      await world.agents.put({ ...(await world.agents.get(id))!, containers, hostName: 'h'.repeat(256) });
    }

    await getInventory(world, viewer, { action: 'inventory.get' });

    const messages = world.messenger.to('v') as Inventory[];
    expect(messages.map((m) => m.hosts.length)).toEqual([1, 1]);
    for (const message of messages) expect(byteLength(encode(message))).toBeLessThan(MAX_MESSAGE_BYTES);
  });
});

describe('host broadcasts', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, 'viewer-1');
    await addViewer(world, 'viewer-2');
    await addAgent(world, 'other-host', 'other-conn', ['x1']);
    await world.connections.add({ connectionId: 'agent-conn', role: 'agent', connectedAt: new Date(NOW).toISOString() });
  });

  const register = (containers: ContainerInfo[]) =>
    registerAgent(world, agentCaller, { action: 'agent.register', hostName: 'box', agentVersion: '1', containers });

  it('sends only the registering host to every viewer, never the whole inventory', async () => {
    await register([containerInfo('c1')]);

    for (const id of ['viewer-1', 'viewer-2']) {
      expect(world.messenger.to(id)).toEqual([{ action: 'host', host: expect.objectContaining({ agentId: 'host-1' }) }]);
    }
  });

  it('sends only the host whose inventory changed', async () => {
    await register([containerInfo('c1')]);
    world.messenger.sent.length = 0;

    await updateInventory(world, { ...agentCaller, agentId: 'host-1' }, { action: 'agent.inventory', containers: [] });

    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'host', host: expect.objectContaining({ agentId: 'host-1', containers: [] }) }]);
  });

  it('encodes a broadcast once and posts the same text to every viewer', async () => {
    await register([containerInfo('c1')]);

    const payloads = world.messenger.sent.filter((s) => s.connectionId.startsWith('viewer')).map((s) => s.payload);
    expect(payloads).toHaveLength(2);
    expect(payloads[0]).toBe(payloads[1]);
  });

  it.each([
    ['agent.register', () => register(bulkyContainers(Math.ceil(MAX_INVENTORY_BYTES / 900) + 8))],
    [
      'agent.inventory',
      () => updateInventory(world, { ...agentCaller, connectionId: 'other-conn', agentId: 'other-host' }, {
        action: 'agent.inventory',
        containers: bulkyContainers(Math.ceil(MAX_INVENTORY_BYTES / 900) + 8),
      }),
    ],
  ])('rejects %s whose containers serialize above MAX_INVENTORY_BYTES with too_large, storing and sending nothing', async (_name, attempt) => {
    await expect(attempt()).rejects.toMatchObject({ code: 'too_large' });

    expect(await world.agents.get('host-1')).toBeUndefined();
    expect((await world.agents.get('other-host'))?.containers.map((c) => c.id)).toEqual(['x1']);
    expect(world.messenger.sent).toEqual([]);
  });
});
