/**
 * The local stand-in for the DynamoDB table: dynalite in memory, speaking DynamoDB's wire protocol
 * to the real SDK, with the table created from the same design the CDK stack uses. dynalite has no
 * TTL, which is fine: every read filters expired items anyway (docs/data-model.md).
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { localClientOptions, LOCAL_REGION } from '../../lambdas/adapters/local-client-options';
import { TABLE_DESIGN } from '../../lambdas/table-design';

export interface LocalStoreOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly tableName?: string;
}

export interface LocalStore {
  /** e.g. http://127.0.0.1:41234 — the DYNAMODB_ENDPOINT for the Lambdas. */
  readonly endpoint: string;
  readonly tableName: string;
  readonly region: string;
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_TABLE = 'sidetail-local';

export async function startLocalStore(options: LocalStoreOptions = {}): Promise<LocalStore> {
  const tableName = options.tableName ?? DEFAULT_LOCAL_TABLE;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stop = async (): Promise<void> => {
    // Clients keep sockets alive; without dropping them, close() would wait for their timeouts.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  };

  const client = new DynamoDBClient(localClientOptions(endpoint));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_DESIGN.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_DESIGN.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }

  return { endpoint, tableName, region: LOCAL_REGION, stop };
}
