/**
 * What an inventory change costs on the real table (dynalite, ReturnConsumedCapacity): one
 * container changing on a host of 200 costs a write or two, not a rewrite of the whole list, and
 * viewers are sent that change, not the whole host again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byteLength, encode, type ContainerInfo } from '../../../protocol';
import { getInventory } from '../../../lambdas/domain/get-inventory';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { updateInventory } from '../../../lambdas/domain/update-inventory';
import { meterCapacity, type CapacityMeter } from './consumed-capacity';
import { openLocalTable, T0, type LocalTable } from './local-table';
import { tableDeps, type TableDeps } from './table-deps';

const iso = new Date(T0).toISOString();
let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;

/** A container as Docker lists it: a 64-hex id, a compose-style name, a real-looking image and status. */
function realistic(i: number): ContainerInfo {
  return {
    id: i.toString(16).padStart(8, '0').repeat(8),
    name: `project-service-${i}-1`,
    image: `registry.example.com/team/service-${i}:1.4.${i}`,
    state: 'running',
    status: 'Up 3 hours (healthy)',
    createdAt: 1764070000 + i,
    tty: false,
  };
}

describe('inventory cost, on dynalite', () => {
  let table: LocalTable;
  let deps: TableDeps;
  let meter: CapacityMeter;
  let agentId: string;
  let agentConn: string;
  let viewer: string;
  let containers: ContainerInfo[];
  beforeAll(async () => {
    table = await openLocalTable();
    meter = meterCapacity(table);
  });
  afterAll(async () => {
    meter.stop();
    await table.close();
  });

  beforeEach(async () => {
    deps = tableDeps(table);
    agentId = fresh('host');
    agentConn = fresh('agent');
    containers = Array.from({ length: 200 }, (_, i) => realistic(i));
    await deps.connections.add({ connectionId: agentConn, role: 'agent', connectedAt: iso, agentId });
    viewer = fresh('viewer');
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    await registerAgent(deps, { connectionId: agentConn, role: 'agent', requestTime: T0, agentId, connectedAt: T0 }, {
      action: 'agent.register',
      hostName: 'box',
      agentVersion: '1',
      containers,
    });
    deps.sent.length = 0;
    meter.reset();
  });

  it('one container of 200 stopping costs at most 2 WRU and sends viewers under 1 KB each', async () => {
    const stopped = { ...containers[7]!, state: 'exited', status: 'Exited (0) 1 second ago' };

    await updateInventory(deps, { connectionId: agentConn, role: 'agent', requestTime: T0, agentId, connectedAt: T0 }, {
      action: 'agent.inventory',
      observedAt: T0 + 1000,
      upsert: [stopped],
      remove: [],
    });

    expect(meter.writeUnits()).toBeLessThanOrEqual(2);
    const toViewers = deps.sent.filter((s) => s.connectionId === viewer);
    expect(toViewers).toHaveLength(1);
    expect(byteLength(encode(toViewers[0]!.message))).toBeLessThan(1024);
  });

  it('registering again with the same 200 containers writes no container: 1 WRU, the host record', async () => {
    await registerAgent(deps, { connectionId: agentConn, role: 'agent', requestTime: T0 + 5000, agentId, connectedAt: T0 }, {
      action: 'agent.register',
      hostName: 'box',
      agentVersion: '1',
      containers,
      observedAt: T0 + 5000,
    });

    expect(meter.writeUnits()).toBe(1);
    expect(deps.sent.filter((s) => s.connectionId === viewer).map((s) => s.message.action)).toEqual(['host']);
  });

  it('answers inventory.get with the host\'s 200 containers from one query of its partition, eventually consistent', async () => {
    const before = table.commands.length;

    await getInventory(deps, { connectionId: viewer, role: 'viewer', requestTime: T0 }, { action: 'inventory.get' });

    const answer = deps.sent.filter((s) => s.connectionId === viewer).map((s) => s.message);
    const host = answer.flatMap((m) => (m.action === 'inventory' ? m.hosts : [])).find((h) => h.agentId === agentId);
    expect(host?.containers).toHaveLength(200);
    expect(host?.observedAt).toBe(T0);
    // One query for the hosts; one per host for its containers (each host in this table has one page).
    const hosts = new Set(answer.flatMap((m) => (m.action === 'inventory' ? m.hosts.map((h) => h.agentId) : [])));
    expect(table.commands.slice(before).filter((name) => name === 'QueryCommand')).toHaveLength(1 + hosts.size);
    // Each host here has 200 containers of ~270 bytes: 54 KB, 14 × 4 KB at half a unit each.
    expect(meter.readUnits()).toBeLessThanOrEqual(8 * hosts.size);
  });
});
