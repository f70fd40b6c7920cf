/**
 * A container's buffer: one item per stored batch, LOG#<container>/B#<firstSeq>, its lines as a
 * JSON string. Same first seq, same key — storing a batch again overwrites it with itself.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ContainerRef, LogLine } from '../../protocol';
import type { LogBuffer } from '../domain/ports';
import { batchWrite } from './batch-write';
import { expiresAt, isExpired } from './expiry';
import { batchKey, batchSk, logPk } from './keys';
import { queryAll, queryPages } from './query-pages';
import type { Table } from './table';

/** Page sizes for newest-first reads: a resume point usually needs one item, a history many. */
const NEWEST_FIRST_PAGES = [2, 8, 32, 128];

export class DynamoLogBuffer implements LogBuffer {
  constructor(
    private readonly table: Table,
    private readonly ttlSeconds: number,
  ) {}

  async put(container: ContainerRef, lines: readonly LogLine[]): Promise<void> {
    const first = lines[0];
    const last = lines[lines.length - 1];
    if (!first || !last) return;
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...batchKey(container, first.seq),
          firstSeq: first.seq,
          lastSeq: last.seq,
          lines: JSON.stringify(lines),
          expiresAt: expiresAt(this.table.clock.now(), this.ttlSeconds),
        },
      }),
    );
  }

  async deleteThrough(container: ContainerRef, lastSeq: number): Promise<void> {
    // Only a batch starting at or before lastSeq can end there; the rest of the key range is newer.
    const candidates = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk AND sk <= :last',
      ExpressionAttributeValues: { ':pk': logPk(container), ':last': batchSk(lastSeq) },
      ProjectionExpression: 'pk, sk, lastSeq',
    });
    const doomed = candidates.filter((item) => (item.lastSeq as number) <= lastSeq);
    await batchWrite(
      this.table.client,
      this.table.tableName,
      doomed.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
  }

  async *newestFirst(container: ContainerRef): AsyncIterable<readonly LogLine[]> {
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
        if (!isExpired(item, now)) yield JSON.parse(item.lines as string) as LogLine[];
      }
    }
  }
}
