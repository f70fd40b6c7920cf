import { beforeEach, describe, expect, it } from 'vitest';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { updateInventory } from '../../../lambdas/domain/update-inventory';
import { addViewer, container, containerInfo, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const register = (containers: string[]) =>
  ({ action: 'agent.register', agentId: 'host-1', hostName: 'box', agentVersion: '0.1.0', containers: containers.map(containerInfo) }) as const;

describe('registerAgent', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await world.connections.add({ connectionId: 'agent-conn', role: 'agent', connectedAt: new Date(NOW).toISOString() });
    await addViewer(world, 'viewer-1');
  });

  it('records the host online on this connection and tells every viewer', async () => {
    await registerAgent(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, register(['c1']));

    expect(await world.agents.get('host-1')).toMatchObject({ connectionId: 'agent-conn', online: true, hostName: 'box' });
    expect((await world.connections.get('agent-conn'))?.agentId).toBe('host-1');
    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'host', host: { agentId: 'host-1', hostName: 'box', online: true, updatedAt: new Date(NOW).toISOString(), containers: [containerInfo('c1')] } },
    ]);
  });

  it('confirms the registration to the agent before anything else, so it may start sending batches', async () => {
    await registerAgent(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'agent.registered', agentId: 'host-1' }]);
  });

  it('starts no stream for an agent whose connection is gone by the time it is confirmed', async () => {
    await world.subscriptions.add('viewer-1', container('c1'));
    world.messenger.gone.add('agent-conn');

    await registerAgent(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([]);
    expect(await world.agents.get('host-1')).toMatchObject({ online: false });
  });

  it('starts streams only for containers that have subscribers, resuming after the buffer', async () => {
    await world.subscriptions.add('viewer-1', container('c2'));
    await world.buffer.put(container('c2'), lines(1, 7));

    await registerAgent(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, register(['c1', 'c2']));

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'agent.registered', agentId: 'host-1' },
      { action: 'log.stream.start', containerId: 'c2', tail: 1000, resume: { seq: 7, ts: lines(7, 7)[0]!.ts, textsAtTs: ['line 7'] }, epoch: EPOCH },
    ]);
  });
});

describe('updateInventory', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await world.connections.add({ connectionId: 'agent-conn', role: 'agent', connectedAt: new Date(NOW).toISOString() });
    await addViewer(world, 'viewer-1');
    await registerAgent(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, register(['c1']));
    world.messenger.sent.length = 0;
  });

  it('replaces the container list and tells every viewer', async () => {
    await updateInventory(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW, agentId: 'host-1' }, {
      action: 'agent.inventory',
      containers: [containerInfo('c1'), containerInfo('c9')],
    });

    expect((await world.agents.get('host-1'))?.containers.map((c) => c.id)).toEqual(['c1', 'c9']);
    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'host', host: expect.objectContaining({ containers: [containerInfo('c1'), containerInfo('c9')] }) }]);
  });

  it('rejects an inventory before agent.register with not_registered', async () => {
    const attempt = updateInventory(world, { connectionId: 'agent-conn', role: 'agent', requestTime: NOW }, { action: 'agent.inventory', containers: [] });

    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
  });

  it('ignores, with a warning, an inventory from a connection the agent has since replaced', async () => {
    await updateInventory(world, { connectionId: 'stale-conn', role: 'agent', requestTime: NOW, agentId: 'host-1' }, { action: 'agent.inventory', containers: [] });

    expect((await world.agents.get('host-1'))?.containers).toHaveLength(1);
    expect(world.messenger.sent).toEqual([]);
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'warn' })]);
  });
});
