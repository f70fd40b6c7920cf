/** Hosts on dynalite: a registration only replaces the record of an older (or the same) connection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAgents } from '../../../lambdas/adapters/dynamo-agents';
import type { AgentRecord } from '../../../lambdas/domain/ports';
import { openLocalTable, T0, type LocalTable } from './local-table';

let count = 0;
const freshAgent = () => `host-${++count}`;

const host = (agentId: string, connectionId: string, connectedAt: number, hostName = 'h'): AgentRecord => ({
  agentId,
  hostName,
  agentVersion: '1',
  connectionId,
  connectedAt,
  online: true,
  updatedAt: new Date(T0).toISOString(),
});

describe('agents on dynalite: registrations ordered by connection time', () => {
  let table: LocalTable;
  let agents: DynamoAgents;
  beforeAll(async () => {
    table = await openLocalTable();
    agents = new DynamoAgents(table);
  });
  afterAll(() => table.close());

  it('keeps the newer connection when an older connection registers late', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'new-conn', T0));

    await agents.put(host(agentId, 'old-conn', T0 - 60_000, 'stale'));

    expect(await agents.get(agentId)).toMatchObject({ connectionId: 'new-conn', hostName: 'h', connectedAt: T0 });
  });

  it('keeps the newer connection online when the older one disconnects after its late registration', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'new-conn', T0));
    await agents.put(host(agentId, 'old-conn', T0 - 60_000));

    await agents.markOffline(agentId, 'old-conn', new Date(T0).toISOString());

    expect(await agents.get(agentId)).toMatchObject({ connectionId: 'new-conn', online: true });
  });

  it('lets a newer connection, and the same connection again, replace the record', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'old-conn', T0 - 60_000));

    await agents.put(host(agentId, 'new-conn', T0, 'first'));
    await agents.put(host(agentId, 'new-conn', T0, 'again'));

    expect(await agents.get(agentId)).toMatchObject({ connectionId: 'new-conn', hostName: 'again' });
  });

  it('breaks a tie of connection times by connection id, the same way whichever arrives first', async () => {
    const [first, second] = [freshAgent(), freshAgent()];
    await agents.put(host(first, 'conn-a', T0));
    await agents.put(host(first, 'conn-b', T0));
    await agents.put(host(second, 'conn-b', T0));
    await agents.put(host(second, 'conn-a', T0));

    expect((await agents.get(first))?.connectionId).toBe('conn-b');
    expect((await agents.get(second))?.connectionId).toBe('conn-b');
  });
});

describe('agents on dynalite: status reports', () => {
  let table: LocalTable;
  let agents: DynamoAgents;
  beforeAll(async () => {
    table = await openLocalTable();
    agents = new DynamoAgents(table);
  });
  afterAll(() => table.close());

  const status = (observedAt: number, lagMs = 0, since = T0 - 1_000) => ({
    observedAt,
    since,
    lagMs,
    pendingLines: 2,
    skipped: { catch_up: { markers: 1, lines: 99_000, atLeast: true as const } },
  });

  it('stores a report on the host record, kept by the next registration, and read back with the host', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'conn', T0));

    expect(await agents.putStatus(agentId, 'conn', status(T0 + 1))).toBe(true);
    await agents.put(host(agentId, 'newer-conn', T0 + 10));

    expect(await agents.get(agentId)).toMatchObject({ connectionId: 'newer-conn', status: status(T0 + 1) });
    expect((await agents.list()).find((a) => a.agentId === agentId)?.status).toEqual(status(T0 + 1));
  });

  it('refuses a report from a connection that does not hold the registration, and one older than the stored one', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'conn', T0));
    await agents.putStatus(agentId, 'conn', status(T0 + 5, 7));

    expect(await agents.putStatus(agentId, 'other-conn', status(T0 + 9, 1))).toBe(false);
    expect(await agents.putStatus(agentId, 'conn', status(T0 + 4, 2))).toBe(false);
    expect((await agents.get(agentId))?.status?.lagMs).toBe(7);
  });

  it('takes the first report of a restarted agent process whatever its clock', async () => {
    const agentId = freshAgent();
    await agents.put(host(agentId, 'conn', T0));
    await agents.putStatus(agentId, 'conn', status(T0 + 5));

    expect(await agents.putStatus(agentId, 'conn', status(T0 + 1, 0, T0))).toBe(true);
  });
});
