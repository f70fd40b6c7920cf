import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef, LogLine } from '../../../protocol';
import { DynamoLogBuffer } from '../../../lambdas/adapters/dynamo-log-buffer';
import { batchKey, logPk } from '../../../lambdas/adapters/keys';
import { findResumePoint } from '../../../lambdas/domain/find-resume-point';
import { readHistory } from '../../../lambdas/domain/read-history';
import { openLocalTable, T0, type LocalTable } from './local-table';

const DAY = 86_400;
const EPOCH = T0 - 3_600_000;

function lines(first: number, last: number, text = (seq: number) => `line ${seq}`): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    seq: first + i,
    ts: new Date(T0 + (first + i) * 1000).toISOString(),
    stream: 'stdout',
    text: text(first + i),
  }));
}
const other = (seq: number) => `other ${seq}`;

async function allLines(buffer: DynamoLogBuffer, container: ContainerRef): Promise<number[]> {
  const seqs: number[] = [];
  for await (const batch of buffer.newestFirst(container)) seqs.unshift(...batch.lines.map((l) => l.seq));
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
      await buffer.put(container, lines(first, first + 19), EPOCH);
      await buffer.deleteThrough(container, EPOCH, first + 19 - keep);
    }

    expect(await allLines(buffer, container)).toEqual(Array.from({ length: keep }, (_, i) => 501 + i));
    expect(await table.partition(logPk(container))).toHaveLength(keep / 20);
  });

  it('keeps a batch that straddles the cut, so at least N lines remain', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 28; first += 7) await buffer.put(container, lines(first, first + 6), EPOCH);

    await buffer.deleteThrough(container, EPOCH, 28 - 10);

    expect(await allLines(buffer, container)).toEqual(Array.from({ length: 14 }, (_, i) => 15 + i));
  });

  it('stores the same batch twice as one item', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();

    expect(await buffer.put(container, lines(1, 5), EPOCH)).toEqual({ kind: 'stored' });
    expect(await buffer.put(container, lines(1, 5), EPOCH)).toEqual({ kind: 'unchanged' });

    expect(await table.partition(logPk(container))).toHaveLength(1);
    expect(await allLines(buffer, container)).toEqual([1, 2, 3, 4, 5]);
  });

  it('ignores batches whose expiresAt has passed, which dynalite (like late TTL) still holds', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...batchKey(container, EPOCH, 1), epoch: EPOCH, firstSeq: 1, lastSeq: 3, lines: JSON.stringify(lines(1, 3)), expiresAt: T0 / 1000 - 1 },
      }),
    );
    await buffer.put(container, lines(4, 6), EPOCH);

    expect(await allLines(buffer, container)).toEqual([4, 5, 6]);
  });

  it('lets a whole buffer expire with time', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await buffer.put(container, lines(1, 3), EPOCH);

    table.setNow(T0 + 61_000);

    expect(await allLines(buffer, container)).toEqual([]);
    expect(await findResumePoint(buffer, container)).toBeUndefined();
  });

  it('serves the newest lines as history over several query pages, and the resume point from the newest', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 300; first += 3) await buffer.put(container, lines(first, first + 2), EPOCH);
    table.commands.length = 0;

    const history = await readHistory(buffer, container, { maxLines: 250 });
    const resume = await findResumePoint(buffer, container);

    expect(history.lines.map((l) => l.seq)).toEqual(Array.from({ length: 250 }, (_, i) => 51 + i));
    expect(table.commands.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(1);
    expect(resume).toEqual({ epoch: EPOCH, resume: { seq: 300, ts: lines(300, 300)[0]!.ts, textsAtTs: ['line 300'] } });
  });

  it('honours afterSeq without reading older batches than needed', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 50; first += 5) await buffer.put(container, lines(first, first + 4), EPOCH);

    const history = await readHistory(buffer, container, { maxLines: 1000, afterSeq: 43 });

    expect(history.lines.map((l) => l.seq)).toEqual([44, 45, 46, 47, 48, 49, 50]);
  });

  describe('a stored batch is rewritten only by an identical batch', () => {
    it('refuses a different batch at a stored first seq, keeping the stored one', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      await buffer.put(container, lines(1, 5), EPOCH);

      expect(await buffer.put(container, lines(1, 3, other), EPOCH)).toEqual({ kind: 'conflict', firstSeq: 1, lastSeq: 5 });

      const stored = [];
      for await (const batch of buffer.newestFirst(container)) stored.push(batch);
      expect(stored).toEqual([{ epoch: EPOCH, lines: lines(1, 5) }]);
    });

    it.each([
      ['starts inside a stored batch', [1, 5], [4, 8]],
      ['ends inside a stored batch', [4, 8], [2, 4]],
      ['covers a stored batch', [4, 5], [3, 9]],
    ])('refuses a batch that %s, keeping the stored one', async (_name, [storedFirst, storedLast], [first, last]) => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      await buffer.put(container, lines(storedFirst!, storedLast!), EPOCH);

      expect(await buffer.put(container, lines(first!, last!, other), EPOCH)).toEqual({ kind: 'conflict', firstSeq: storedFirst, lastSeq: storedLast });
      expect(await allLines(buffer, container)).toEqual(lines(storedFirst!, storedLast!).map((l) => l.seq));
    });

    it('stores the same seqs of a newer epoch apart, serving the newest epoch first in one bounded read', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 30; first += 10) await buffer.put(container, lines(first, first + 9), EPOCH);

      expect(await buffer.put(container, lines(1, 2, other), EPOCH + 1)).toEqual({ kind: 'stored' });
      table.commands.length = 0;

      const newest = await findResumePoint(buffer, container);
      const history = await readHistory(buffer, container, { maxLines: 1000 });
      expect(newest?.epoch).toBe(EPOCH + 1);
      expect(history).toEqual({ epoch: EPOCH + 1, lines: lines(1, 2, other) });
      expect(table.commands).toEqual(['QueryCommand', 'QueryCommand']);
    });

    it('drops the older epochs when told to trim the newer one', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      await buffer.put(container, lines(1, 10), EPOCH);
      await buffer.put(container, lines(1, 2, other), EPOCH + 1);

      await buffer.deleteThrough(container, EPOCH + 1, 0);

      expect(await table.partition(logPk(container))).toHaveLength(1);
    });
  });
});
