/**
 * The local stand-in for the DynamoDB table: dynalite in memory, speaking DynamoDB's wire protocol
 * to the real SDK, with the table created from the same design the CDK stack uses. dynalite has no
 * TTL, so the store sweeps expired items itself, as DynamoDB's TTL does (ttl-sweeper.ts): `npm
 * start`'s memory stays bounded over days. Reads filter expired items anyway (docs/data-model.md).
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { localClientOptions, LOCAL_REGION } from '../../lambdas/adapters/local-client-options';
import { TABLE_DESIGN } from '../../lambdas/table-design';
import { startTtlSweeper, type TtlSweeper } from './ttl-sweeper';

export interface LocalStoreOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly tableName?: string;
  /**
   * The TTL sweep: every `intervalMs` (default 60 000) expired items are deleted, as DynamoDB's
   * TTL does, late by up to the interval; `false` turns it off. `clock` (epoch ms) is for tests.
   */
  readonly ttl?: false | { readonly intervalMs?: number; readonly pageSize?: number; readonly clock?: { now(): number } };
  /** Where a failed sweep is reported (the next one tries again). Default: console.warn. */
  readonly onTtlError?: (error: unknown) => void;
}

export interface LocalStore {
  /** e.g. http://127.0.0.1:41234 — the DYNAMODB_ENDPOINT for the Lambdas. */
  readonly endpoint: string;
  readonly tableName: string;
  readonly region: string;
  /** Deletes the items expired by now (what the background sweep does); resolves with how many. Undefined with `ttl: false`. */
  readonly sweepExpired?: () => Promise<number>;
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_TABLE = 'sidetail-local';
/** DynamoDB's TTL is hours late; a minute keeps `npm start` bounded at no noticeable cost. */
export const DEFAULT_TTL_SWEEP_INTERVAL_MS = 60_000;

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

  let sweeper: TtlSweeper | undefined;
  let sweeperClient: DynamoDBClient | undefined;
  const stop = async (): Promise<void> => {
    await sweeper?.stop();
    sweeperClient?.destroy();
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

  if (options.ttl === false) return { endpoint, tableName, region: LOCAL_REGION, stop };
  sweeperClient = new DynamoDBClient(localClientOptions(endpoint));
  const onError = options.onTtlError ?? ((error: unknown) => console.warn(`[store] TTL sweep failed: ${error instanceof Error ? error.message : String(error)}`));
  try {
    sweeper = startTtlSweeper({
      client: sweeperClient,
      tableName,
      intervalMs: options.ttl?.intervalMs ?? DEFAULT_TTL_SWEEP_INTERVAL_MS,
      ...(options.ttl?.pageSize === undefined ? {} : { pageSize: options.ttl.pageSize }),
      ...(options.ttl?.clock ? { clock: options.ttl.clock } : {}),
      onError,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const running = sweeper;
  return { endpoint, tableName, region: LOCAL_REGION, sweepExpired: () => running.sweep(), stop };
}
