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
  containers: [],
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
