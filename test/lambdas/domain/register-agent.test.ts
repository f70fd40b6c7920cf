import { beforeEach, describe, expect, it } from 'vitest';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { updateInventory } from '../../../lambdas/domain/update-inventory';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
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
      { action: 'host', host: { agentId: 'host-1', hostName: 'box', online: true, updatedAt: new Date(NOW).toISOString() } },
      { action: 'host.containers', agentId: 'host-1', observedAt: NOW, upsert: [containerInfo('c1')], remove: [] },
    ]);
  });

  describe('registering again (after a reconnect)', () => {
    const caller = AGENT_CALLER;
    beforeEach(async () => {
      await registerAgent(world, caller, { ...register(['c1', 'c2', 'c3']), observedAt: 100 });
      world.messenger.sent.length = 0;
      world.hostContainers.writes = 0;
    });

    it('writes only what differs from what is stored, removes what the list no longer has, and tells viewers just that', async () => {
      const changed = { ...containerInfo('c2'), state: 'exited' };

      await registerAgent(world, caller, { ...register(['c1']), containers: [containerInfo('c1'), changed, containerInfo('c4')], observedAt: 200 });

      expect(world.hostContainers.writes).toBe(3);
      expect(world.hostContainers.ids('host-1')).toEqual(['c1', 'c2', 'c4']);
      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'host', host: expect.objectContaining({ agentId: 'host-1', online: true }) },
        { action: 'host.containers', agentId: 'host-1', observedAt: 200, upsert: [changed, containerInfo('c4')], remove: ['c3'] },
      ]);
    });

    it('writes no container and sends viewers only the host when nothing changed', async () => {
      await registerAgent(world, caller, { ...register(['c1', 'c2', 'c3']), observedAt: 200 });

      expect(world.hostContainers.writes).toBe(0);
      expect(world.messenger.to('viewer-1').map((m) => m.action)).toEqual(['host']);
    });

    it('keeps a newer observation than its list: a late registration does not undo a later change', async () => {
      await updateInventory(world, caller, { action: 'agent.inventory', observedAt: 300, upsert: [containerInfo('c4')], remove: ['c1'] });
      world.messenger.sent.length = 0;

      await registerAgent(world, caller, { ...register(['c1', 'c2', 'c3']), observedAt: 200 });

      expect(world.hostContainers.ids('host-1')).toEqual(['c2', 'c3', 'c4']);
      expect(world.messenger.to('viewer-1').map((m) => m.action)).toEqual(['host']);
    });
  });

  it('confirms the registration to the agent before anything else, so it may start sending batches', async () => {
    await registerAgent(world, AGENT_CALLER, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'agent.registered', agentId: 'host-1', watched: [] }]);
  });

  it('starts no stream for an agent whose connection is gone by the time it is confirmed', async () => {
    await world.subscriptions.add('viewer-1', container('c1'));
    world.messenger.gone.add('agent-conn');

    await registerAgent(world, AGENT_CALLER, register(['c1']));

    expect(world.messenger.to('agent-conn')).toEqual([]);
    expect(await world.agents.get('host-1')).toMatchObject({ online: false });
  });

  it('names in agent.registered every container of this agent with subscribers, none other, so the agent stops the rest', async () => {
    await world.subscriptions.add('viewer-1', container('c1'));
    await world.subscriptions.add('viewer-1', container('c3'));
    // A subscriber of another host's container of the same id is not this agent's.
    await world.subscriptions.add('viewer-1', { agentId: 'host-2', containerId: 'c2' });

    await registerAgent(world, AGENT_CALLER, register(['c1', 'c2', 'c3']));

    expect(world.messenger.to('agent-conn')[0]).toEqual({ action: 'agent.registered', agentId: 'host-1', watched: ['c1', 'c3'] });
  });

  it('names no container as watched once its last viewer left while the agent was away, so a lost log.stream.stop is made good', async () => {
    await world.subscriptions.add('viewer-1', container('c1'));
    await registerAgent(world, AGENT_CALLER, register(['c1']));
    // The agent's connection dropped; the stop the unsubscribe sends finds it gone.
    world.messenger.gone.add('agent-conn');
    await unsubscribe(world, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW + 1 }, { action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' });
    world.messenger.sent.length = 0;
    await world.connections.add({ connectionId: 'agent-conn-2', role: 'agent', connectedAt: CONNECTED_AT, agentId: 'host-1' });

    await registerAgent(world, { ...AGENT_CALLER, connectionId: 'agent-conn-2', connectedAt: NOW + 1 }, register(['c1']));

    expect(world.messenger.to('agent-conn-2')).toEqual([{ action: 'agent.registered', agentId: 'host-1', watched: [] }]);
  });

  it('starts streams only for containers that have subscribers, resuming after the buffer', async () => {
    await world.subscriptions.add('viewer-1', container('c2'));
    await world.buffer.store(container('c2'), lines(1, 7));

    await registerAgent(world, AGENT_CALLER, register(['c1', 'c2']));

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'agent.registered', agentId: 'host-1', watched: ['c2'] },
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

  const agent = AGENT_CALLER;
  const changes = (observedAt: number, upsert: ReturnType<typeof containerInfo>[], remove: string[] = []) =>
    ({ action: 'agent.inventory', observedAt, upsert, remove }) as const;

  it('stores the changes, one write per changed container, and tells every viewer just those', async () => {
    world.hostContainers.writes = 0;

    await updateInventory(world, agent, changes(NOW + 1, [containerInfo('c9')], ['c1']));

    expect(world.hostContainers.writes).toBe(2);
    expect(world.hostContainers.ids('host-1')).toEqual(['c9']);
    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'host.containers', agentId: 'host-1', observedAt: NOW + 1, upsert: [containerInfo('c9')], remove: ['c1'] }]);
  });

  it('acknowledges the inventory to the agent once its changes are stored and relayed, even when none were newer', async () => {
    world.journal.length = 0;
    await updateInventory(world, agent, changes(NOW + 1, [containerInfo('c9')]));
    await updateInventory(world, agent, changes(NOW - 1, [containerInfo('c9')]));

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'inventory.ack', observedAt: NOW + 1 },
      { action: 'inventory.ack', observedAt: NOW - 1 },
    ]);
    expect(world.journal.filter((entry) => entry.startsWith('send')).slice(0, 2)).toEqual(['send viewer-1 host.containers', 'send agent-conn inventory.ack']);
  });

  it('keeps a newer observation: an older change handled late neither overwrites it nor reaches viewers', async () => {
    const exited = { ...containerInfo('c1'), state: 'exited' };
    await updateInventory(world, agent, changes(NOW + 20, [exited]));
    world.messenger.sent.length = 0;

    await updateInventory(world, agent, changes(NOW + 10, [containerInfo('c1')]));

    expect(await world.hostContainers.get('host-1', 'c1')).toEqual(exited);
    expect(world.messenger.sent.filter((s) => s.connectionId !== 'agent-conn')).toEqual([]);
  });

  it('does not bring back a removed container when an upsert observed before the removal is handled after it', async () => {
    await updateInventory(world, agent, changes(NOW + 20, [], ['c1']));

    await updateInventory(world, agent, changes(NOW + 10, [{ ...containerInfo('c1'), state: 'exited' }]));

    expect(world.hostContainers.ids('host-1')).toEqual([]);
  });

  it('relays the same report again when it is handled twice, so a retry still reaches viewers', async () => {
    await updateInventory(world, agent, changes(NOW + 1, [containerInfo('c2')]));
    await updateInventory(world, agent, changes(NOW + 1, [containerInfo('c2')]));

    expect(world.messenger.to('viewer-1').map((m) => m.action)).toEqual(['host.containers', 'host.containers']);
  });

  it('rejects a container both upserted and removed as malformed, storing nothing', async () => {
    await expect(updateInventory(world, agent, changes(NOW + 1, [containerInfo('c2')], ['c2']))).rejects.toMatchObject({ code: 'malformed' });

    expect(world.hostContainers.ids('host-1')).toEqual(['c1']);
  });

  it('rejects an inventory before agent.register with not_registered', async () => {
    const attempt = updateInventory(world, { ...AGENT_CALLER, agentId: 'host-2' }, changes(NOW, []));

    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
  });

  it('rejects with not_registered an inventory of a newer connection that has not registered yet', async () => {
    const attempt = updateInventory(world, { ...AGENT_CALLER, connectionId: 'newer-conn', connectedAt: NOW + 1 }, changes(NOW, []));

    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
  });

  it('ignores, with a warning, an inventory from a connection the agent has since replaced', async () => {
    await updateInventory(world, { ...AGENT_CALLER, connectionId: 'stale-conn', connectedAt: NOW - 1 }, changes(NOW + 1, [], ['c1']));

    expect(world.hostContainers.ids('host-1')).toEqual(['c1']);
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

    expect(await world.agents.get('victim')).toMatchObject({ connectionId: 'victim-conn', online: true });
    expect(world.hostContainers.ids('victim')).toEqual(['c1']);
    expect(await world.agents.get('intruder')).toMatchObject({ connectionId: 'intruder-conn' });
    expect(world.hostContainers.ids('intruder')).toEqual(['evil']);
    expect(world.messenger.to('intruder-conn')).toContainEqual({ action: 'agent.registered', agentId: 'intruder', watched: [] });
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
