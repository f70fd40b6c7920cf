import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { localClientOptions } from '../../../lambdas/adapters/local-client-options';
import { TABLE_DESIGN } from '../../../lambdas/table-design';
import { startLocalStore, type LocalStore } from '../../../infra/local/store';

const started: LocalStore[] = [];
const clients: DynamoDBClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const store of started.splice(0)) await store.stop();
});

async function start(options: Parameters<typeof startLocalStore>[0]): Promise<{ store: LocalStore; client: DynamoDBClient }> {
  const store = await startLocalStore(options);
  started.push(store);
  const client = new DynamoDBClient(localClientOptions(store.endpoint));
  clients.push(client);
  return { store, client };
}

/** A settable clock, in epoch ms. */
function manualClock(at: number) {
  return { now: () => at, set: (ms: number) => (at = ms) };
}

async function put(client: DynamoDBClient, store: LocalStore, sk: string, expiresAtSeconds?: number): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: store.tableName,
      Item: {
        [TABLE_DESIGN.partitionKey]: { S: 'LOG#a#c' },
        [TABLE_DESIGN.sortKey]: { S: sk },
        ...(expiresAtSeconds === undefined ? {} : { [TABLE_DESIGN.ttlAttribute]: { N: String(expiresAtSeconds) } }),
      },
    }),
  );
}

async function has(client: DynamoDBClient, store: LocalStore, sk: string): Promise<boolean> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: store.tableName, Key: { [TABLE_DESIGN.partitionKey]: { S: 'LOG#a#c' }, [TABLE_DESIGN.sortKey]: { S: sk } }, ConsistentRead: true }),
  );
  return Item !== undefined;
}

async function itemCount(client: DynamoDBClient, store: LocalStore): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: store.tableName, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

async function eventually(condition: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const T0 = Date.parse('2026-12-01T12:00:00Z');
const T0_SECONDS = T0 / 1000;

describe('the local store’s TTL', () => {
  it('deletes items whose expiresAt has passed within the sweep interval, and keeps unexpired items and items without expiresAt', async () => {
    const clock = manualClock(T0);
    const { store, client } = await start({ ttl: { intervalMs: 50, clock } });
    await put(client, store, 'expired', T0_SECONDS - 1);
    await put(client, store, 'later', T0_SECONDS + 100);
    await put(client, store, 'forever');

    expect(await eventually(async () => !(await has(client, store, 'expired')), 2_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few more sweeps
    expect(await has(client, store, 'later')).toBe(true);
    expect(await has(client, store, 'forever')).toBe(true);

    clock.set(T0 + 101_000);
    expect(await eventually(async () => !(await has(client, store, 'later')), 2_000)).toBe(true);
    expect(await has(client, store, 'forever')).toBe(true);
  });

  it('keeps an item that expires exactly now: DynamoDB deletes only once expiresAt is past', async () => {
    const clock = manualClock(T0);
    const { store, client } = await start({ ttl: { intervalMs: 60_000, clock } });
    await put(client, store, 'now', T0_SECONDS);

    expect(await store.sweepExpired!()).toBe(0);
    expect(await has(client, store, 'now')).toBe(true);
  });

  it('sweeps a table larger than one page, a page at a time', async () => {
    const clock = manualClock(T0);
    const { store, client } = await start({ ttl: { intervalMs: 60_000, pageSize: 7, clock } });
    for (let i = 0; i < 40; i++) await put(client, store, `b${String(i).padStart(3, '0')}`, i % 2 === 0 ? T0_SECONDS - 1 : T0_SECONDS + 60);

    expect(await store.sweepExpired!()).toBe(20);
    expect(await itemCount(client, store)).toBe(20);
  });

  it('stays bounded under a stream of short-lived writes (a day of `npm start` in seconds: the clock runs 100 times fast)', async () => {
    const realStart = Date.now();
    const fast = { now: () => T0 + (Date.now() - realStart) * 100 };
    const { store, client } = await start({ ttl: { intervalMs: 100, clock: fast } });
    const writes = 3_000;
    let most = 0;
    for (let i = 0; i < writes; i++) {
      // Lives 2 s of the fast clock: 20 ms of real time.
      await put(client, store, `b${i}`, Math.floor(fast.now() / 1000) + 2);
      if (i % 250 === 249) most = Math.max(most, await itemCount(client, store));
    }

    expect(most).toBeLessThan(writes / 3);
    expect(await eventually(async () => (await itemCount(client, store)) === 0, 5_000)).toBe(true);
  });

  it('keeps every expired item with the sweep turned off (ttl: false)', async () => {
    const { store, client } = await start({ ttl: false });
    await put(client, store, 'expired', 1);

    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await has(client, store, 'expired')).toBe(true);
    expect(store.sweepExpired).toBeUndefined();
  });

  it('refuses a sweep interval that is not a positive number of milliseconds', async () => {
    await expect(startLocalStore({ ttl: { intervalMs: 0 } })).rejects.toThrow(/TTL sweep interval must be a positive number/);
  });
});
