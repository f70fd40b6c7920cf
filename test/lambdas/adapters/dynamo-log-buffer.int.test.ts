import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef, LogLine } from '../../../protocol';
import { DynamoLogBuffer } from '../../../lambdas/adapters/dynamo-log-buffer';
import { batchKey, logPk } from '../../../lambdas/adapters/keys';
import { findResumePoint } from '../../../lambdas/domain/find-resume-point';
import { readHistory } from '../../../lambdas/domain/read-history';
import { openLocalTable, T0, type LocalTable } from './local-table';

const DAY = 86_400;

function lines(first: number, last: number): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    seq: first + i,
    ts: new Date(T0 + (first + i) * 1000).toISOString(),
    stream: 'stdout',
    text: `line ${first + i}`,
  }));
}

async function allLines(buffer: DynamoLogBuffer, container: ContainerRef): Promise<number[]> {
  const seqs: number[] = [];
  for await (const batch of buffer.newestFirst(container)) seqs.unshift(...batch.map((l) => l.seq));
  return seqs;
}

let containerCount = 0;
const freshContainer = (): ContainerRef => ({ agentId: 'host-1', containerId: `c${++containerCount}` });

describe('DynamoLogBuffer on dynalite', () => {
  let table: LocalTable;
  beforeAll(async () => {
    table = await openLocalTable();
  });
  afterEach(() => {
    expect(table.commands).not.toContain('ScanCommand');
    table.setNow(T0);
  });
  afterAll(async () => {
    await table.close();
  });

  it('keeps only the newest N lines across many batches, trimming as ingest does', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    const keep = 100;

    for (let first = 1; first <= 600; first += 20) {
      await buffer.put(container, lines(first, first + 19));
      await buffer.deleteThrough(container, first + 19 - keep);
    }

    expect(await allLines(buffer, container)).toEqual(Array.from({ length: keep }, (_, i) => 501 + i));
    expect(await table.partition(logPk(container))).toHaveLength(keep / 20);
  });

  it('keeps a batch that straddles the cut, so at least N lines remain', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 28; first += 7) await buffer.put(container, lines(first, first + 6));

    await buffer.deleteThrough(container, 28 - 10);

    expect(await allLines(buffer, container)).toEqual(Array.from({ length: 14 }, (_, i) => 15 + i));
  });

  it('stores the same batch twice as one item', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();

    await buffer.put(container, lines(1, 5));
    await buffer.put(container, lines(1, 5));

    expect(await table.partition(logPk(container))).toHaveLength(1);
    expect(await allLines(buffer, container)).toEqual([1, 2, 3, 4, 5]);
  });

  it('ignores batches whose expiresAt has passed, which dynalite (like late TTL) still holds', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...batchKey(container, 1), firstSeq: 1, lastSeq: 3, lines: JSON.stringify(lines(1, 3)), expiresAt: T0 / 1000 - 1 },
      }),
    );
    await buffer.put(container, lines(4, 6));

    expect(await allLines(buffer, container)).toEqual([4, 5, 6]);
  });

  it('lets a whole buffer expire with time', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await buffer.put(container, lines(1, 3));

    table.setNow(T0 + 61_000);

    expect(await allLines(buffer, container)).toEqual([]);
    expect(await findResumePoint(buffer, container)).toBeUndefined();
  });

  it('serves the newest lines as history over several query pages, and the resume point from the newest', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 300; first += 3) await buffer.put(container, lines(first, first + 2));
    table.commands.length = 0;

    const history = await readHistory(buffer, container, { maxLines: 250 });
    const resume = await findResumePoint(buffer, container);

    expect(history.map((l) => l.seq)).toEqual(Array.from({ length: 250 }, (_, i) => 51 + i));
    expect(table.commands.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(1);
    expect(resume).toEqual({ seq: 300, ts: lines(300, 300)[0]!.ts, textsAtTs: ['line 300'] });
  });

  it('honours afterSeq without reading older batches than needed', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 50; first += 5) await buffer.put(container, lines(first, first + 4));

    const history = await readHistory(buffer, container, { maxLines: 1000, afterSeq: 43 });

    expect(history.map((l) => l.seq)).toEqual([44, 45, 46, 47, 48, 49, 50]);
  });
});
