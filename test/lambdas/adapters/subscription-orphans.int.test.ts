/**
 * A subscription is two items written one after the other. A `$disconnect` handled between the
 * two, or a clean-up that never ran, must not leave a container's subscriber item behind that
 * keeps the container's stream running for nobody.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentBatch } from '../../support/packed-batches';
import { CONNECTION_TTL_SECONDS, expiresAt } from '../../../lambdas/adapters/expiry';
import { connectionPk, subscriberKey, subscribersPk } from '../../../lambdas/adapters/keys';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { ingestBatch } from '../../../lambdas/domain/ingest-batch';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { openLocalTable, T0, type LocalTable } from './local-table';
import { addHost, tableDeps, type TableDeps } from './table-deps';

const iso = new Date(T0).toISOString();
let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;
const streamCommands = (deps: TableDeps, agentConn: string) =>
  deps.actionsTo(agentConn).filter((action) => action === 'log.stream.start' || action === 'log.stream.stop');

describe('no orphan subscriber items, on dynalite', () => {
  let table: LocalTable;
  let deps: TableDeps;
  let agentConn: string;
  let container: { agentId: string; containerId: string };
  let restoreSend: (() => void) | undefined;
  beforeAll(async () => {
    table = await openLocalTable();
  });
  afterEach(() => {
    restoreSend?.();
    restoreSend = undefined;
  });
  afterAll(async () => {
    await table.close();
  });

  async function arrange() {
    deps = tableDeps(table);
    agentConn = fresh('agent');
    container = { agentId: fresh('host'), containerId: fresh('c') };
    await addHost(deps, container, agentConn, iso);
  }

  /** Runs `between` once, right after the first command `matches` has been answered. */
  function interleave(matches: (command: unknown) => boolean, between: () => Promise<void>) {
    const client = table.client as unknown as { send: (command: unknown) => Promise<unknown> };
    const send = client.send;
    let fired = false;
    client.send = async (command: unknown) => {
      const output = await send(command);
      if (!fired && matches(command)) {
        fired = true;
        await between();
      }
      return output;
    };
    restoreSend = () => {
      client.send = send;
    };
  }
  const reverseWrite = (viewer: string) => (command: unknown) =>
    command instanceof PutCommand && command.input.Item?.pk === connectionPk(viewer) && String(command.input.Item?.sk).startsWith('SUB#');
  const subscriberWrite = (viewer: string) => (command: unknown) =>
    command instanceof PutCommand && command.input.Item?.pk === subscribersPk(container) && command.input.Item?.sk === `CONN#${viewer}`;
  const reverseRead = (viewer: string) => (command: unknown) =>
    command instanceof GetCommand && command.input.Key?.pk === connectionPk(viewer) && String(command.input.Key?.sk).startsWith('SUB#');

  it('leaves no item behind and no stream running when $disconnect is handled between the two writes of a subscribe', async () => {
    await arrange();
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    interleave(reverseWrite(viewer), () => disconnect(deps, viewer));

    await subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(await table.partition(connectionPk(viewer))).toEqual([]);
    expect(streamCommands(deps, agentConn).at(-1)).not.toBe('log.stream.start');
  });

  it.each([
    ['its second write', subscriberWrite],
    ['its read-back of the reverse item', reverseRead],
  ])('leaves no item behind and no stream running when $disconnect is handled right after %s', async (_name, point) => {
    await arrange();
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    interleave(point(viewer), () => disconnect(deps, viewer));

    await subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(await table.partition(connectionPk(viewer))).toEqual([]);
    expect(streamCommands(deps, agentConn).at(-1)).not.toBe('log.stream.start');
  });

  it('leaves no item behind and no stream running when a whole subscribe is handled while $disconnect looks up the subscriptions', async () => {
    await arrange();
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    const cleanupLookup = (command: unknown) =>
      command instanceof QueryCommand && command.input.ExpressionAttributeValues?.[':pk'] === connectionPk(viewer);
    interleave(cleanupLookup, () =>
      subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container }),
    );

    await disconnect(deps, viewer);

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(await table.partition(connectionPk(viewer))).toEqual([]);
    expect(streamCommands(deps, agentConn).at(-1)).not.toBe('log.stream.start');
  });

  it.each([
    ['its first write', reverseWrite],
    ['its second write', subscriberWrite],
  ])('leaves no subscriber item and no stream running when a later unsubscribe is handled right after %s', async (_name, point) => {
    await arrange();
    const viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    interleave(point(viewer), () =>
      unsubscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 + 1 }, { action: 'log.unsubscribe', ...container }),
    );

    await subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(streamCommands(deps, agentConn).at(-1)).not.toBe('log.stream.start');
  });

  it('removes a subscriber item that has no reverse item when its post answers 410, and stops the stream', async () => {
    await arrange();
    const viewer = fresh('viewer');
    // What a clean-up that ran between a subscribe's writes used to leave: the container's item alone.
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...subscriberKey(container, viewer), at: T0, op: 0, expiresAt: expiresAt(T0, CONNECTION_TTL_SECONDS) },
      }),
    );
    deps.gone.add(viewer);

    await ingestBatch(deps, { connectionId: agentConn, role: 'agent', agentId: container.agentId, requestTime: T0 }, agentBatch(container.containerId, 1, [{ seq: 1, ts: '2026-11-25T12:00:00.000000000Z', stream: 'stdout', text: 'hello' }]));

    expect(await table.partition(subscribersPk(container))).toEqual([]);
    expect(streamCommands(deps, agentConn)).toEqual(['log.stream.stop']);
    expect(deps.actionsTo(agentConn)).toContain('log.ack');
  });

  it('keeps other viewers subscribed when one subscriber turns out to be gone', async () => {
    await arrange();
    const [dead, alive] = [fresh('viewer'), fresh('viewer')];
    await deps.connections.add({ connectionId: alive, role: 'viewer', connectedAt: iso });
    await subscribe(deps, { connectionId: alive, role: 'viewer', requestTime: T0 }, { action: 'log.subscribe', ...container });
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...subscriberKey(container, dead), at: T0, op: 0, expiresAt: expiresAt(T0, CONNECTION_TTL_SECONDS) },
      }),
    );
    deps.gone.add(dead);

    await ingestBatch(deps, { connectionId: agentConn, role: 'agent', agentId: container.agentId, requestTime: T0 }, agentBatch(container.containerId, 1, [{ seq: 1, ts: '2026-11-25T12:00:00.000000000Z', stream: 'stdout', text: 'hello' }]));

    expect(await deps.subscriptions.subscriberIds(container)).toEqual([alive]);
    expect(streamCommands(deps, agentConn)).toEqual(['log.stream.start']);
  });
});
