import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef } from '../../../protocol';
import { DynamoAgents } from '../../../lambdas/adapters/dynamo-agents';
import { DynamoConnections } from '../../../lambdas/adapters/dynamo-connections';
import { DynamoCredentials } from '../../../lambdas/adapters/dynamo-credentials';
import { DynamoLogBuffer } from '../../../lambdas/adapters/dynamo-log-buffer';
import { DynamoSubscriptions } from '../../../lambdas/adapters/dynamo-subscriptions';
import { connectionPk, connectionSubscriptionKey, subscriberKey, subscribersPk, VIEWERS_PK } from '../../../lambdas/adapters/keys';
import { disconnect } from '../../../lambdas/domain/disconnect';
import type { CloudToAgent, CloudToViewer } from '../../../protocol';
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import type { Deps, Outgoing } from '../../../lambdas/domain/ports';
import { openLocalTable, T0, type LocalTable } from './local-table';

const HOUR = 3_600_000;
const iso = new Date(T0).toISOString();

let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;
const decoded = (message: Outgoing): CloudToAgent | CloudToViewer =>
  message instanceof EncodedMessage ? (JSON.parse(message.text) as CloudToAgent | CloudToViewer) : message;
const containerOf = (containerId: string, agentId = 'host-1'): ContainerRef => ({ agentId, containerId });
/** The order of a request received at `ms` without an op counter. */
const at = (ms: number) => ({ at: ms, op: 0 });

describe('connections, subscriptions and agents on dynalite', () => {
  let table: LocalTable;
  let connections: DynamoConnections;
  let subscriptions: DynamoSubscriptions;
  let agents: DynamoAgents;
  beforeAll(async () => {
    table = await openLocalTable();
    connections = new DynamoConnections(table);
    subscriptions = new DynamoSubscriptions(table);
    agents = new DynamoAgents(table);
  });
  afterEach(() => {
    expect(table.commands).not.toContain('ScanCommand');
    table.setNow(T0);
  });
  afterAll(async () => {
    await table.close();
  });

  it('records a connection with the agent id and credential of its identity, and enrols only viewers', async () => {
    const agentConn = fresh('agent');
    const viewerConn = fresh('viewer');

    await connections.add({ connectionId: agentConn, role: 'agent', connectedAt: iso, agentId: 'host-1', credentialId: 'cred-1' });
    await connections.add({ connectionId: viewerConn, role: 'viewer', connectedAt: iso, credentialId: 'cred-2' });

    expect(await connections.get(agentConn)).toEqual({ connectionId: agentConn, role: 'agent', connectedAt: iso, agentId: 'host-1', credentialId: 'cred-1' });
    expect(await connections.viewerIds()).toContain(viewerConn);
    expect(await connections.viewerIds()).not.toContain(agentConn);
  });

  it('answers who watches a container with one query of that container alone', async () => {
    const [c1, c2] = [containerOf(fresh('c')), containerOf(fresh('c'))];
    await subscriptions.add('v1', c1, at(T0));
    await subscriptions.add('v2', c1, at(T0));
    await subscriptions.add('v2', c2, at(T0));

    expect((await subscriptions.subscriberIds(c1)).sort()).toEqual(['v1', 'v2']);
    expect(await subscriptions.subscriberIds(c2)).toEqual(['v2']);
    expect(await subscriptions.hasSubscribers(containerOf(fresh('c')))).toBe(false);
  });

  it('stamps both subscription items with the order of the subscribe: its request time and op', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));

    await subscriptions.add(viewer, container, { at: T0 + 5, op: 7 });

    expect(await table.partition(subscribersPk(container))).toEqual([expect.objectContaining({ at: T0 + 5, op: 7 })]);
    expect(await table.partition(connectionPk(viewer))).toEqual([expect.objectContaining({ at: T0 + 5, op: 7, state: 'subscribed' })]);
  });

  it('keeps a subscription when an unsubscribe sent before it is handled after it', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));
    await subscriptions.add(viewer, container, at(T0 + 30));

    const removed = await subscriptions.removeUnlessResubscribed(viewer, container, at(T0 + 20));

    expect(removed).toBe(false);
    expect(await subscriptions.subscriberIds(container)).toEqual([viewer]);
    expect(await subscriptions.ofConnection(viewer)).toEqual([container]);
  });

  it.each([
    ['made before the unsubscribe', T0 + 10],
    ['made at the same millisecond', T0 + 20],
  ])('deletes the subscriber item of a subscription %s and leaves an unsubscribe marker in its place', async (_name, subscribedAt) => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));
    await subscriptions.add(viewer, container, at(subscribedAt));

    const removed = await subscriptions.removeUnlessResubscribed(viewer, container, at(T0 + 20));

    expect(removed).toBe(true);
    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(await table.partition(connectionPk(viewer))).toEqual([
      expect.objectContaining({ at: T0 + 20, op: 0, state: 'unsubscribed', expiresAt: Math.floor(T0 / 1000) + 3 * 3600 }),
    ]);
  });

  it('treats unsubscribing from nothing as done, and still leaves the marker for a subscribe handled late', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));

    expect(await subscriptions.removeUnlessResubscribed(viewer, container, at(T0 + 20))).toBe(true);
    expect(await subscriptions.add(viewer, container, at(T0 + 10))).toBe(false);

    expect(await table.partition(subscribersPk(container))).toEqual([]);
  });

  it('takes items of the earlier layout (subscribedAt, no order) as absent, so a subscribe or unsubscribe replaces them', async () => {
    const [viewer, other] = [fresh('viewer'), fresh('viewer')];
    const container = containerOf(fresh('c'));
    for (const id of [viewer, other]) {
      for (const key of [connectionSubscriptionKey(id, container), subscriberKey(container, id)]) {
        await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...key, subscribedAt: T0 + 50, expiresAt: T0 / 1000 + 3600 } }));
      }
    }

    expect(await subscriptions.add(viewer, container, at(T0))).toBe(true);
    expect(await subscriptions.removeUnlessResubscribed(other, container, at(T0))).toBe(true);

    expect(await subscriptions.subscriberIds(container)).toEqual([viewer]);
  });

  it('counts a connection subscriptions without markers, expired items or the container asked about', async () => {
    const viewer = fresh('viewer');
    const [a, b, left, asked] = [containerOf(fresh('c')), containerOf(fresh('c')), containerOf(fresh('c')), containerOf(fresh('c'))];
    for (const container of [a, b, left, asked]) await subscriptions.add(viewer, container, at(T0));
    await subscriptions.removeUnlessResubscribed(viewer, left, at(T0 + 1));

    expect(await subscriptions.subscriptionCount(viewer, asked)).toBe(2);
    expect(await subscriptions.subscriptionCount(viewer, containerOf(fresh('c')))).toBe(3);
    table.setNow(T0 + 3 * HOUR + 1000);
    expect(await subscriptions.subscriptionCount(viewer, asked)).toBe(0);
  });

  it('counts a container subscribers without expired ones or the connection asking', async () => {
    const container = containerOf(fresh('c'));
    for (const id of ['v1', 'v2', 'v3']) await subscriptions.add(id, container, at(T0));
    await subscriptions.removeUnlessResubscribed('v3', container, at(T0 + 1));

    expect(await subscriptions.subscriberCount(container, 'v1')).toBe(1);
    expect(await subscriptions.subscriberCount(container, 'someone-else')).toBe(2);
    table.setNow(T0 + 3 * HOUR + 1000);
    expect(await subscriptions.subscriberCount(container, 'someone-else')).toBe(0);
  });

  it('does not let an older subscribe handled late lower a newer stamp', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));
    await subscriptions.add(viewer, container, at(T0 + 30));
    await subscriptions.add(viewer, container, at(T0 + 10));

    expect(await subscriptions.removeUnlessResubscribed(viewer, container, at(T0 + 20))).toBe(false);
    expect(await subscriptions.subscriberIds(container)).toEqual([viewer]);
  });

  it('removes a subscription unconditionally at clean-up, however new it is', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));
    await subscriptions.add(viewer, container, at(T0 + 1_000_000));

    await subscriptions.remove(viewer, container);

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(await table.partition(connectionPk(viewer))).toEqual([]);
  });

  it('finds a live subscriber behind expired ones, paging past them', async () => {
    const container = containerOf(fresh('c'));
    for (const id of ['a-old', 'b-old', 'c-old']) {
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...subscriberKey(container, id), expiresAt: T0 / 1000 - 10 } }));
    }
    await subscriptions.add('z-live', container, at(T0));

    expect(await subscriptions.hasSubscribers(container)).toBe(true);
    expect(await subscriptions.subscriberIds(container)).toEqual(['z-live']);
  });

  it('ignores expired connections, viewers and subscriptions on read, but still lists them for clean-up', async () => {
    const viewer = fresh('viewer');
    const container = containerOf(fresh('c'));
    await connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    await subscriptions.add(viewer, container, at(T0));

    table.setNow(T0 + 3 * HOUR + 1000);

    expect(await connections.get(viewer)).toBeUndefined();
    expect(await connections.viewerIds()).not.toContain(viewer);
    expect(await subscriptions.hasSubscribers(container)).toBe(false);
    expect(await subscriptions.ofConnection(viewer)).toEqual([container]);
  });

  it('leaves no item of a disconnected viewer behind, and stops the streams it alone watched', async () => {
    const viewer = fresh('viewer');
    const other = fresh('viewer');
    const agentConn = fresh('agent');
    const [alone, shared] = [containerOf(fresh('c')), containerOf(fresh('c'))];
    await connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    await connections.add({ connectionId: other, role: 'viewer', connectedAt: iso });
    await agents.put({ agentId: 'host-1', hostName: 'h', agentVersion: '1', connectionId: agentConn, online: true, updatedAt: iso, containers: [] });
    await subscriptions.add(viewer, alone, at(T0));
    await subscriptions.add(viewer, shared, at(T0));
    await subscriptions.add(other, shared, at(T0));
    const sent: { connectionId: string; message: CloudToAgent | CloudToViewer }[] = [];
    const deps: Deps = {
      connections,
      subscriptions,
      agents,
      buffer: new DynamoLogBuffer(table, 60),
      messenger: { send: async (connectionId, message) => (sent.push({ connectionId, message: decoded(message) }), 'sent') },
      clock: table.clock,
      logger: { warn: () => {}, error: () => {} },
      credentials: new DynamoCredentials(table),
      settings: { bufferLines: 1000 },
    };

    await disconnect(deps, viewer);

    expect(await table.partition(connectionPk(viewer))).toEqual([]);
    expect((await table.partition(VIEWERS_PK)).map((item) => item.sk)).not.toContain(`CONN#${viewer}`);
    expect(await table.partition(subscribersPk(alone))).toEqual([]);
    expect((await table.partition(subscribersPk(shared))).map((item) => item.sk)).toEqual([`CONN#${other}`]);
    expect(sent).toEqual([{ connectionId: agentConn, message: { action: 'log.stream.stop', containerId: alone.containerId } }]);
  });

  it('marks an agent offline only from its current connection, and only once', async () => {
    const agentId = fresh('host');
    await agents.put({ agentId, hostName: 'h', agentVersion: '1', connectionId: 'new-conn', online: true, updatedAt: iso, containers: [] });

    expect(await agents.markOffline(agentId, 'old-conn', iso)).toBe(false);
    expect((await agents.get(agentId))?.online).toBe(true);
    expect(await agents.markOffline(agentId, 'new-conn', iso)).toBe(true);
    expect(await agents.markOffline(agentId, 'new-conn', iso)).toBe(false);
    expect((await agents.get(agentId))?.online).toBe(false);
  });

  it('replaces an agent container list only from its current connection', async () => {
    const agentId = fresh('host');
    const info = { id: 'c1', name: 'api', image: 'i', state: 'running', status: 'Up', createdAt: 1, tty: false };
    await agents.put({ agentId, hostName: 'h', agentVersion: '1', connectionId: 'conn', online: true, updatedAt: iso, containers: [] });

    expect(await agents.updateContainers(agentId, 'stale', [info], iso)).toBe(false);
    expect(await agents.updateContainers(agentId, 'conn', [info], iso)).toBe(true);

    expect((await agents.list()).find((a) => a.agentId === agentId)?.containers).toEqual([info]);
  });
});
