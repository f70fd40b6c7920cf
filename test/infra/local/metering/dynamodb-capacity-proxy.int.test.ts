/**
 * The capacity proxy in front of dynalite: every call through it reports the units DynamoDB
 * (here dynalite) says it consumed, whatever the caller asked for.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../../lambdas/adapters/document-client';
import { startCapacityProxy, type CapacityProxy } from '../../../../infra/local/metering/dynamodb-capacity-proxy';
import { LocalMeter } from '../../../../infra/local/metering/local-meter';
import { startLocalStore, type LocalStore } from '../../../../infra/local/store';

let store: LocalStore | undefined;
let proxy: CapacityProxy | undefined;
let client: DynamoDBDocumentClient | undefined;
afterEach(async () => {
  client?.destroy();
  await proxy?.stop();
  await store?.stop();
});

async function metered(): Promise<{ meter: LocalMeter; db: DynamoDBDocumentClient; table: string }> {
  store = await startLocalStore({ ttl: false });
  const meter = new LocalMeter();
  proxy = await startCapacityProxy(store.endpoint, meter);
  client = createDocumentClient({ endpoint: proxy.endpoint, region: store.region });
  return { meter, db: client, table: store.tableName };
}

const KB = 1024;

describe('the DynamoDB capacity proxy', () => {
  it('reports what each write consumed: 1 WRU per KB, a put over an item or a delete costing the larger item', async () => {
    const { meter, db, table } = await metered();

    await db.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 'a', data: 'x'.repeat(10 * KB) } }));
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 'a', data: 'small' } }));
    await db.send(new DeleteCommand({ TableName: table, Key: { pk: 'p', sk: 'a' } }));

    const { capacity, writeUnits, readUnits } = meter.read();
    expect(capacity.PutItem).toEqual({ calls: 2, units: 11 + 11, kind: 'write' });
    expect(capacity.DeleteItem).toEqual({ calls: 1, units: 1, kind: 'write' });
    expect(writeUnits).toBe(23);
    expect(readUnits).toBe(0);
  });

  it('reports reads: 1 RRU per 4 KB strongly consistent, half that eventually consistent', async () => {
    const { meter, db, table } = await metered();
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 'a', data: 'x'.repeat(10 * KB) } }));
    meter.reset();

    await db.send(new GetCommand({ TableName: table, Key: { pk: 'p', sk: 'a' }, ConsistentRead: true }));
    await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'p' } }));

    expect(meter.read().capacity.GetItem?.units).toBe(3);
    expect(meter.read().capacity.Query?.units).toBe(1.5);
    expect(meter.read().readUnits).toBe(4.5);
  });

  it('adds up the per-table array a BatchWriteItem answers with', async () => {
    const { meter, db, table } = await metered();

    await db.send(new BatchWriteCommand({ RequestItems: { [table]: [1, 2, 3].map((i) => ({ PutRequest: { Item: { pk: 'p', sk: `s${i}`, data: 'x'.repeat(2 * KB) } } })) } }));

    expect(meter.read().capacity.BatchWriteItem).toEqual({ calls: 1, units: 9, kind: 'write' });
  });

  it('passes answers through unchanged, errors included', async () => {
    const { meter, db, table } = await metered();
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 'a', n: 1 } }));

    await expect(db.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 'a', n: 2 }, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toThrow(
      /conditional request failed/,
    );
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk: 'p', sk: 'a' } }));

    expect(Item).toEqual({ pk: 'p', sk: 'a', n: 1 });
    // dynalite answers a refused conditional write 400 without ConsumedCapacity, so it is not counted
    // (DynamoDB bills it): a known undercount, rare in Sidetail's traffic.
    expect(meter.read().capacity.PutItem?.calls).toBe(1);
  });
});
