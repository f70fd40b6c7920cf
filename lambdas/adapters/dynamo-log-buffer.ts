/**
 * A container's buffer: one item per stored batch, LOG#<container>/B#<epoch>#<firstSeq>, its lines
 * as a JSON string and their SHA-256 (`digest`). A stored batch is rewritten only by an identical
 * one: the put is conditional on the key being free or holding the same digest, and a batch
 * overlapping another stored batch of its epoch is refused before it is written (one Query of
 * one item: stored batches of an epoch never overlap, so only the one starting last at or before
 * the new batch's last seq can clash).
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer, StoreOutcome, StoredBatch } from '../domain/ports';
import { batchWrite } from './batch-write';
import { expiresAt, isExpired } from './expiry';
import { batchKey, batchSk, logPk } from './keys';
import { queryAll, queryPages } from './query-pages';
import type { Table } from './table';
import { isConditionFailure } from './condition-failure';

/** Page sizes for newest-first reads: a resume point usually needs one item, a history many. */
const NEWEST_FIRST_PAGES = [2, 8, 32, 128];

interface BatchBounds {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly digest?: string;
}

export class DynamoLogBuffer implements LogBuffer {
  constructor(
    private readonly table: Table,
    private readonly ttlSeconds: number,
  ) {}

  async put(container: ContainerRef, lines: readonly LogLine[], epoch: number): Promise<StoreOutcome> {
    const first = lines[0];
    const last = lines[lines.length - 1];
    if (!first || !last) return { kind: 'unchanged' };
    const json = JSON.stringify(lines);
    const digest = createHash('sha256').update(json).digest('base64');

    const neighbour = await this.lastStartingAtOrBefore(container, epoch, last.seq);
    if (neighbour) {
      if (neighbour.firstSeq === first.seq && neighbour.digest === digest) return { kind: 'unchanged' };
      if (neighbour.firstSeq >= first.seq || neighbour.lastSeq >= first.seq) return conflict(neighbour);
    }

    const now = this.table.clock.now();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...batchKey(container, epoch, first.seq),
            epoch,
            firstSeq: first.seq,
            lastSeq: last.seq,
            digest,
            lines: json,
            expiresAt: expiresAt(now, this.ttlSeconds),
          },
          // Free, identical, or expired (TTL deletes late): never a different live batch.
          ConditionExpression: 'attribute_not_exists(pk) OR digest = :digest OR expiresAt < :now',
          ExpressionAttributeValues: { ':digest': digest, ':now': Math.floor(now / 1000) },
        }),
      );
      return { kind: 'stored' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Another writer got there between the check and the put.
      const stored = await this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: batchKey(container, epoch, first.seq), ConsistentRead: true, ProjectionExpression: 'firstSeq, lastSeq' }),
      );
      return conflict((stored.Item as BatchBounds | undefined) ?? { firstSeq: first.seq, lastSeq: last.seq });
    }
  }

  async deleteThrough(container: ContainerRef, epoch: number, lastSeq: number): Promise<void> {
    // Older epochs sort first; of this epoch only a batch starting at or before lastSeq can end there.
    const candidates = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk <= :last',
      ExpressionAttributeValues: { ':pk': logPk(container), ':last': batchSk(epoch, lastSeq) },
      ProjectionExpression: 'pk, sk, epoch, lastSeq',
    });
    const doomed = candidates.filter((item) => epochOf(item) < epoch || (item.lastSeq as number) <= lastSeq);
    await batchWrite(
      this.table.client,
      this.table.tableName,
      doomed.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
  }

  async *newestFirst(container: ContainerRef): AsyncIterable<StoredBatch> {
    const now = this.table.clock.now();
    const pages = queryPages(
      this.table.client,
      {
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': logPk(container) },
        ScanIndexForward: false,
        // A batch stored just before a subscription must be in its history (see subscribe).
        ConsistentRead: true,
      },
      NEWEST_FIRST_PAGES,
    );
    for await (const page of pages) {
      for (const item of page) {
        if (!isExpired(item, now)) yield { epoch: epochOf(item), lines: JSON.parse(item.lines as string) as LogLine[] };
      }
    }
  }

  /** The unexpired batch of `epoch` with the greatest first seq at or below `seq`. */
  private async lastStartingAtOrBefore(container: ContainerRef, epoch: number, seq: number): Promise<BatchBounds | undefined> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': logPk(container), ':from': batchSk(epoch, 0), ':to': batchSk(epoch, seq) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ProjectionExpression: 'firstSeq, lastSeq, digest, expiresAt',
      }),
    );
    const item = result.Items?.[0];
    return item && !isExpired(item, this.table.clock.now()) ? (item as BatchBounds) : undefined;
  }
}

function conflict(stored: BatchBounds): StoreOutcome {
  return { kind: 'conflict', firstSeq: stored.firstSeq, lastSeq: stored.lastSeq };
}

/** Items written before epochs existed have none: they are the oldest numbering. */
function epochOf(item: Record<string, unknown>): number {
  return typeof item.epoch === 'number' ? item.epoch : 0;
}

