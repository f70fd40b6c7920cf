import { beforeEach, describe, expect, it } from 'vitest';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { updateInventory } from '../../../lambdas/domain/update-inventory';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { addViewer, CONNECTED_AT, container, containerInfo, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const register = (containers: string[]) =>
  ({ action: 'agent.register', hostName: 'box', agentVersion: '0.1.0', containers: containers.map(containerInfo) }) as const;

/** An agent connection as the message handler builds it from the authorizer's context. */
const AGENT_CALLER = { connectionId: 'agent-conn', role: 'agent', agentId: 'host-1', requestTime: NOW, connectedAt: NOW } as const;

describe('registerAgent', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await world.connections.add({ connectionId: 'agent-conn', role: 'agent', connectedAt: CONNECTED_AT, agentId: 'host-1' });
    await addViewer(world, 'viewer-1');
  });

  it('records the host online on this connection and tells every viewer', async () => {
    await registerAgent(world, AGENT_CALLER, register(['c1']));

    expect(await world.agents.get('host-1')).toMatchObject({ connectionId: 'agent-conn', online: true, hostName: 'box' });
    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'host', host: { agentId: 'host-1', hostName: 'box', online: true, updatedAt: new Date(NOW).toISOString(), containers: [containerInfo('c1')] } },
    ]);
  });

  it('confirms the registration to the agent before anything else, so it may start sending batches', async () => {
    await registerAgent(world, AGENT_CALLER, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'agent.registered', agentId: 'host-1' }]);
  });

  it('starts no stream for an agent whose connection is gone by the time it is confirmed', async () => {
    await world.subscriptions.add('viewer-1', container('c1'));
    world.messenger.gone.add('agent-conn');

    await registerAgent(world, AGENT_CALLER, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([]);
    expect(await world.agents.get('host-1')).toMatchObject({ online: false });
  });

  it('starts streams only for containers that have subscribers, resuming after the buffer', async () => {
    await world.subscriptions.add('viewer-1', container('c2'));
    await world.buffer.put(container('c2'), lines(1, 7));

    await registerAgent(world, AGENT_CALLER, register(['c1', 'c2']));

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
    await world.connections.add({ connectionId: 'agent-conn', role: 'agent', connectedAt: CONNECTED_AT, agentId: 'host-1' });
    await addViewer(world, 'viewer-1');
    await registerAgent(world, AGENT_CALLER, register(['c1']));
    world.messenger.sent.length = 0;
  });

  it('replaces the container list and tells every viewer', async () => {
    await updateInventory(world, AGENT_CALLER, {
      action: 'agent.inventory',
      containers: [containerInfo('c1'), containerInfo('c9')],
    });

    expect((await world.agents.get('host-1'))?.containers.map((c) => c.id)).toEqual(['c1', 'c9']);
    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'host', host: expect.objectContaining({ containers: [containerInfo('c1'), containerInfo('c9')] }) }]);
  });

  it('rejects an inventory before agent.register with not_registered', async () => {
    const attempt = updateInventory(world, { ...AGENT_CALLER, agentId: 'host-2' }, { action: 'agent.inventory', containers: [] });

    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
  });

  it('rejects with not_registered an inventory of a newer connection that has not registered yet', async () => {
    const attempt = updateInventory(world, { ...AGENT_CALLER, connectionId: 'newer-conn', connectedAt: NOW + 1 }, { action: 'agent.inventory', containers: [] });

    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
  });

  it('ignores, with a warning, an inventory from a connection the agent has since replaced', async () => {
    await updateInventory(world, { ...AGENT_CALLER, connectionId: 'stale-conn', connectedAt: NOW - 1 }, { action: 'agent.inventory', containers: [] });

    expect((await world.agents.get('host-1'))?.containers).toHaveLength(1);
    expect(world.messenger.sent).toEqual([]);
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'warn' })]);
  });
});

describe('registerAgent: the agent id is the credential\'s, never the message\'s', () => {
  let world: World;
  /** As $connect records an agent connection: its agent id comes from the credential it presented. */
  const connectAgent = (connectionId: string, agentId: string, connectedAt = NOW) =>
    world.connections.add({ connectionId, role: 'agent', connectedAt: new Date(connectedAt).toISOString(), agentId });
  const callerOf = (connectionId: string, agentId: string, connectedAt = NOW) =>
    ({ connectionId, role: 'agent', agentId, requestTime: NOW, connectedAt }) as const;
  /** What a client may still put on the wire: an `agentId` field the protocol no longer has. */
  const claiming = (agentId: string, containers: string[] = ['c1']) =>
    ({ ...register(containers), agentId }) as unknown as Parameters<typeof registerAgent>[2];

  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, 'viewer-1');
  });

  it('registers the host of the credential even when the message claims another host', async () => {
    await connectAgent('victim-conn', 'victim');
    await registerAgent(world, callerOf('victim-conn', 'victim'), claiming('victim'));
    await connectAgent('intruder-conn', 'intruder');

    await registerAgent(world, callerOf('intruder-conn', 'intruder'), claiming('victim', ['evil']));

    expect(await world.agents.get('victim')).toMatchObject({ connectionId: 'victim-conn', online: true, containers: [containerInfo('c1')] });
    expect(await world.agents.get('intruder')).toMatchObject({ connectionId: 'intruder-conn', containers: [containerInfo('evil')] });
    expect(world.messenger.to('intruder-conn')).toContainEqual({ action: 'agent.registered', agentId: 'intruder' });
  });

  it('keeps one connection to one agent id, so $disconnect leaves none of its hosts online', async () => {
    await connectAgent('agent-conn', 'host-1');

    await registerAgent(world, callerOf('agent-conn', 'host-1'), claiming('host-1'));
    await registerAgent(world, callerOf('agent-conn', 'host-1'), claiming('host-2'));
    await disconnect(world, 'agent-conn');

    expect((await world.agents.list()).filter((agent) => agent.online)).toEqual([]);
    expect(await world.agents.get('host-2')).toBeUndefined();
  });
});

describe('registerAgent: registrations are ordered by connection time', () => {
  let world: World;
  const callerOf = (connectionId: string, connectedAt: number) =>
    ({ connectionId, role: 'agent', agentId: 'host-1', requestTime: NOW, connectedAt }) as const;
  const registration = { ...register(['c1']), agentId: 'host-1' } as unknown as Parameters<typeof registerAgent>[2];

  beforeEach(async () => {
    world = createWorld();
    for (const [connectionId, connectedAt] of [['old-conn', NOW - 60_000], ['new-conn', NOW]] as const) {
      await world.connections.add({ connectionId, role: 'agent', connectedAt: new Date(connectedAt).toISOString(), agentId: 'host-1' });
    }
  });

  it('keeps the newer connection when a delayed registration of an older one arrives last', async () => {
    await registerAgent(world, callerOf('new-conn', NOW), registration);

    await registerAgent(world, callerOf('old-conn', NOW - 60_000), registration).catch(() => {});
    await disconnect(world, 'old-conn');

    expect(await world.agents.get('host-1')).toMatchObject({ connectionId: 'new-conn', online: true });
  });

  it('lets a newer connection take over from an older one', async () => {
    await registerAgent(world, callerOf('old-conn', NOW - 60_000), registration);

    await registerAgent(world, callerOf('new-conn', NOW), registration);

    expect(await world.agents.get('host-1')).toMatchObject({ connectionId: 'new-conn', online: true });
  });
});
