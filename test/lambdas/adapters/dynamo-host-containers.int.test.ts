/**
 * A host's containers as items of their own on dynalite: each write conditional on its observation
 * time, removals as tombstones that outlive any late message and then expire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../protocol';
import { CONNECTION_TTL_SECONDS } from '../../../lambdas/adapters/expiry';
import { DynamoHostContainers } from '../../../lambdas/adapters/dynamo-host-containers';
import { hostContainersPk } from '../../../lambdas/adapters/keys';
import { meterCapacity, type CapacityMeter } from './consumed-capacity';
import { openLocalTable, T0, type LocalTable } from './local-table';

let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;
const info = (id: string, state = 'running'): ContainerInfo => ({ id, name: id, image: 'img', state, status: 'Up', createdAt: 1, tty: false });

describe('host containers on dynalite', () => {
  let table: LocalTable;
  let containers: DynamoHostContainers;
  let meter: CapacityMeter;
  beforeAll(async () => {
    table = await openLocalTable();
    containers = new DynamoHostContainers(table);
    meter = meterCapacity(table);
  });
  afterEach(() => {
    expect(table.commands).not.toContain('ScanCommand');
    table.setNow(T0);
  });
  afterAll(async () => {
    meter.stop();
    await table.close();
  });

  it('stores each container as its own item of the host partition, with its observation time', async () => {
    const host = fresh('host');

    const written = await containers.apply(host, { observedAt: 100, upsert: [info('c1'), info('c2')], remove: [] });

    expect(written).toEqual({ observedAt: 100, upsert: [info('c1'), info('c2')], remove: [] });
    expect(await table.partition(hostContainersPk(host))).toEqual([
      expect.objectContaining({ sk: 'C#c1', observedAt: 100, info: info('c1') }),
      expect.objectContaining({ sk: 'C#c2', observedAt: 100, info: info('c2') }),
    ]);
    expect(await containers.get(host, 'c1')).toEqual(info('c1'));
    expect(await containers.get(host, 'c3')).toBeUndefined();
  });

  it('does not let an older observation handled late overwrite a newer one, and says it was not written', async () => {
    const host = fresh('host');
    await containers.apply(host, { observedAt: 200, upsert: [info('c1', 'exited')], remove: [] });

    const written = await containers.apply(host, { observedAt: 100, upsert: [info('c1', 'running'), info('c2')], remove: [] });

    expect(written).toEqual({ observedAt: 100, upsert: [info('c2')], remove: [] });
    expect(await containers.get(host, 'c1')).toEqual(info('c1', 'exited'));
  });

  it('writes the same observation again (a retried report), so it can be relayed again', async () => {
    const host = fresh('host');
    await containers.apply(host, { observedAt: 100, upsert: [info('c1')], remove: [] });

    expect(await containers.apply(host, { observedAt: 100, upsert: [info('c1')], remove: [] })).toEqual({ observedAt: 100, upsert: [info('c1')], remove: [] });
  });

  it('leaves a tombstone on removal, so an upsert observed earlier and handled later cannot bring the container back', async () => {
    const host = fresh('host');
    await containers.apply(host, { observedAt: 100, upsert: [info('c1')], remove: [] });

    await containers.apply(host, { observedAt: 300, upsert: [], remove: ['c1'] });
    const late = await containers.apply(host, { observedAt: 200, upsert: [info('c1', 'exited')], remove: [] });

    expect(late.upsert).toEqual([]);
    expect(await containers.get(host, 'c1')).toBeUndefined();
    expect(await containers.entries(host)).toEqual([{ containerId: 'c1', observedAt: 300 }]);
  });

  it('forgets a tombstone once it expires, after the longest a connection lives', async () => {
    const host = fresh('host');
    await containers.apply(host, { observedAt: 300, upsert: [], remove: ['c1'] });

    table.setNow(T0 + CONNECTION_TTL_SECONDS * 1000 + 2000);

    expect(await containers.entries(host)).toEqual([]);
    expect((await table.partition(hostContainersPk(host)))[0]).toMatchObject({ expiresAt: expect.any(Number) });
  });

  it('costs 1 WRU to change one container of a host of 200, and 1 RCU to look one up', async () => {
    const host = fresh('host');
    const many = Array.from({ length: 200 }, (_, i) => ({ ...info(`${i}`.padStart(64, 'a')), image: 'registry.example.com/team/service:1.4.2' }));
    await containers.apply(host, { observedAt: 100, upsert: many, remove: [] });
    meter.reset();

    await containers.apply(host, { observedAt: 200, upsert: [{ ...many[5]!, state: 'exited' }], remove: [] });
    const writeUnits = meter.writeUnits();
    await containers.get(host, many[6]!.id);

    expect(writeUnits).toBe(1);
    expect(meter.readUnits()).toBe(1);
  });
});
