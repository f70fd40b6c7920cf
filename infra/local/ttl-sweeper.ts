/**
 * DynamoDB's TTL for the local store: dynalite has none, so without this `npm start` would keep
 * every batch it ever stored. Like DynamoDB's, it runs in the background, costs the table's users
 * nothing (it talks to dynalite directly, past any meter) and may be late — an item lives until
 * the first sweep after its `expiresAt`. Reads never depend on it: they filter expired items
 * themselves (lambdas/adapters/expiry.ts), as they must on AWS, where TTL runs hours late.
 *
 * A sweep scans the table a page at a time (keys and the TTL attribute only) and deletes each
 * expired item on the condition that it is still expired, so an item rewritten with a later
 * `expiresAt` between the scan and the delete is kept — as DynamoDB's TTL never deletes a live item.
 */
import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DESIGN } from '../../lambdas/table-design';

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** How often a sweep starts (after the previous one ended). */
  readonly intervalMs: number;
  /** Items scanned per Scan call. Default 500. */
  readonly pageSize?: number;
  /** Epoch ms. Default Date. */
  readonly clock?: { now(): number };
  /** A sweep that failed (dynalite stopping, say) is reported here and the next one tries again. */
  readonly onError?: (error: unknown) => void;
}

export interface TtlSweeper {
  /** Runs one sweep now (waiting for one already running) and resolves with the items it deleted. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

export class InvalidTtlSweepError extends Error {
  override readonly name = 'InvalidTtlSweepError';
}

const DEFAULT_PAGE_SIZE = 500;

export function startTtlSweeper(options: TtlSweeperOptions): TtlSweeper {
  const { client, tableName, intervalMs } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new InvalidTtlSweepError(`the TTL sweep interval must be a positive number of milliseconds, got ${intervalMs}`);
  if (!(Number.isSafeInteger(pageSize) && pageSize > 0)) throw new InvalidTtlSweepError(`the TTL sweep page size must be a positive integer, got ${pageSize}`);
  const clock = options.clock ?? Date;
  const ttl = TABLE_DESIGN.ttlAttribute;
  const keys = [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey] as const;

  let running: Promise<number> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const sweepOnce = async (): Promise<number> => {
    let deleted = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const nowSeconds = String(Math.floor(clock.now() / 1000));
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          Limit: pageSize,
          ProjectionExpression: '#pk, #sk',
          FilterExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#pk': keys[0], '#sk': keys[1], '#ttl': ttl },
          ExpressionAttributeValues: { ':now': { N: nowSeconds } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (stopped) return deleted;
        try {
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { [keys[0]]: item[keys[0]]!, [keys[1]]: item[keys[1]]! },
              ConditionExpression: '#ttl < :now',
              ExpressionAttributeNames: { '#ttl': ttl },
              ExpressionAttributeValues: { ':now': { N: nowSeconds } },
            }),
          );
          deleted += 1;
        } catch (error) {
          // Rewritten with a later expiresAt (or deleted) since the scan: not ours to delete.
          if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start && !stopped);
    return deleted;
  };

  const sweep = (): Promise<number> => {
    running ??= sweepOnce().finally(() => (running = undefined));
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, intervalMs);
    // The sweep must never be what keeps a process alive.
    timer.unref();
  };
  schedule();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
