/**
 * A real table on dynalite for the adapter specs, with a clock the spec moves and a record of
 * every command sent (to prove that nothing ever scans).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lambdas/adapters/document-client';
import type { Table } from '../../../lambdas/adapters/table';
import { startLocalStore, type LocalStore } from '../../../infra/local/store';

export interface LocalTable extends Table {
  readonly store: LocalStore;
  /** Constructor names of every command sent so far. */
  readonly commands: string[];
  /** Moves the table's clock. */
  setNow(ms: number): void;
  /** Every raw item of one partition, expired or not. */
  partition(pk: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-25T12:00:00.000Z');

export async function openLocalTable(): Promise<LocalTable> {
  const store = await startLocalStore();
  const client: DynamoDBDocumentClient = createDocumentClient({ endpoint: store.endpoint, region: store.region });
  const commands: string[] = [];
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as { send: unknown }).send = (command: { constructor: { name: string } }) => {
    commands.push(command.constructor.name);
    return send(command);
  };
  let now = T0;
  return {
    store,
    client,
    tableName: store.tableName,
    clock: { now: () => now },
    commands,
    setNow: (ms) => {
      now = ms;
    },
    partition: async (pk) => {
      const output = await client.send(
        new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      );
      return output.Items ?? [];
    },
    close: async () => {
      client.destroy();
      await store.stop();
    },
  };
}
