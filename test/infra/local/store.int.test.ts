import { connect } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { TABLE_DESIGN } from '../../../lambdas/table-design';
import { startLocalStore, type LocalStore } from '../../../infra/local/store';

const started: LocalStore[] = [];
const clients: DynamoDBClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const store of started.splice(0)) await store.stop();
});

async function start(options?: Parameters<typeof startLocalStore>[0]): Promise<LocalStore> {
  const store = await startLocalStore(options);
  started.push(store);
  return store;
}

function clientOf(store: LocalStore): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: store.endpoint, region: store.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  clients.push(client);
  return client;
}

function portAccepts(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startLocalStore', () => {
  it('serves an ACTIVE on-demand table with the key schema of TABLE_DESIGN on loopback', async () => {
    const store = await start();

    const { Table } = await clientOf(store).send(new DescribeTableCommand({ TableName: store.tableName }));

    expect(store.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
    ]);
  });

  it('takes a table name, and runs side by side with another store', async () => {
    const [a, b] = await Promise.all([start({ tableName: 'one' }), start({ tableName: 'two' })]);

    expect(a.endpoint).not.toBe(b.endpoint);
    expect((await clientOf(b).send(new DescribeTableCommand({ TableName: 'two' }))).Table?.TableName).toBe('two');
  });

  it('frees its port on stop, even while a client still holds a keep-alive socket', async () => {
    const store = await startLocalStore();
    await clientOf(store).send(new DescribeTableCommand({ TableName: store.tableName }));

    await store.stop();

    expect(await portAccepts(store.endpoint)).toBe(false);
  });

  it('fails clearly when its port is taken', async () => {
    const store = await start();
    const port = Number(new URL(store.endpoint).port);

    await expect(startLocalStore({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});
