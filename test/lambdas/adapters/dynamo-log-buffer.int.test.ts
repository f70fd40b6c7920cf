import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRef, LogLine } from '../../../protocol';
import { compressLines, packedBytes } from '../../../protocol/packed-zlib';
import { DynamoLogBuffer, MAX_READ_BYTES, PART_TTL_SECONDS } from '../../../lambdas/adapters/dynamo-log-buffer';
import { batchKey, logPk, partsPk } from '../../../lambdas/adapters/keys';
import { checkPackedBatch } from '../../../lambdas/domain/check-packed-batch';
import { findResumePoint } from '../../../lambdas/domain/find-resume-point';
import type { NewBatch, StoredBatch } from '../../../lambdas/domain/ports';
import { readHistory } from '../../../lambdas/domain/read-history';
import { unpacked } from '../../support/packed-batches';
import { meterCapacity } from './consumed-capacity';
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

/** The batch ingest would store for these lines: compressed once, checked, digested. */
function batchOf(batchLines: readonly LogLine[], epoch = EPOCH): NewBatch {
  const { firstSeq, lastSeq, data } = compressLines(batchLines);
  const bytes = packedBytes(data);
  return { epoch, firstSeq, lastSeq, lineCount: lastSeq - firstSeq + 1, data: bytes, digest: checkPackedBatch({ firstSeq, lastSeq }, bytes).digest };
}
const linesOf = (batches: readonly StoredBatch[]) => batches.flatMap((b) => unpacked({ data: Buffer.from(b.data).toString('base64') }));
const seqsOf = (batches: readonly StoredBatch[]) => linesOf(batches).map((l) => l.seq);
const everything = { lines: Number.POSITIVE_INFINITY, batches: 10_000 };

let containerCount = 0;
const freshContainer = (): ContainerRef => ({ agentId: 'host-1', containerId: `c${++containerCount}` });

describe('DynamoLogBuffer on dynalite', () => {
  let table: LocalTable;
  beforeAll(async () => {
    table = await openLocalTable();
  });
  afterEach(() => {
    expect(table.commands).not.toContain('ScanCommand');
    expect(table.commands).not.toContain('DeleteCommand');
    expect(table.commands).not.toContain('BatchWriteCommand');
    table.setNow(T0);
  });
  afterAll(async () => {
    await table.close();
  });

  it('stores the compressed bytes as a binary attribute with the seqs, line count, epoch, digest and expiry', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    const batch = batchOf(lines(1, 5));

    await buffer.put(container, batch);

    const [item] = await table.partition(logPk(container));
    expect(item).toMatchObject({ epoch: EPOCH, firstSeq: 1, lastSeq: 5, lineCount: 5, digest: batch.digest, expiresAt: T0 / 1000 + DAY });
    expect(item!.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(item!.data as Uint8Array).equals(Buffer.from(batch.data))).toBe(true);
  });

  it('deletes nothing however many batches it holds: each expires with its TTL', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();

    for (let first = 1; first <= 600; first += 20) await buffer.put(container, batchOf(lines(first, first + 19)));

    expect(await table.partition(logPk(container))).toHaveLength(30);
  });

  it('stores the same batch twice as one item', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();

    expect(await buffer.put(container, batchOf(lines(1, 5)))).toEqual({ kind: 'stored' });
    expect(await buffer.put(container, batchOf(lines(1, 5)))).toEqual({ kind: 'unchanged' });

    expect(await table.partition(logPk(container))).toHaveLength(1);
  });

  it('ignores batches whose expiresAt has passed, which dynalite (like late TTL) still holds', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...batchKey(container, EPOCH, 1), ...batchOf(lines(1, 3)), expiresAt: T0 / 1000 - 1 } }));
    await buffer.put(container, batchOf(lines(4, 6)));

    expect(seqsOf(await buffer.newest(container, everything))).toEqual([4, 5, 6]);
    expect(seqsOf((await buffer.range(container, EPOCH, 0, 10, MAX_READ_BYTES)).batches)).toEqual([4, 5, 6]);
  });

  it('does not serve items of the layout before packed batches (lines as JSON), which expire within a day', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { ...batchKey(container, EPOCH, 1), epoch: EPOCH, firstSeq: 1, lastSeq: 3, lines: JSON.stringify(lines(1, 3)), expiresAt: T0 / 1000 + DAY } }),
    );

    expect(await buffer.newest(container, everything)).toEqual([]);
    expect(await findResumePoint(buffer, container)).toBeUndefined();
  });

  it('lets a whole buffer expire with time', async () => {
    const buffer = new DynamoLogBuffer(table, 60);
    const container = freshContainer();
    await buffer.put(container, batchOf(lines(1, 3)));

    table.setNow(T0 + 61_000);

    expect(await buffer.newest(container, everything)).toEqual([]);
    expect(await findResumePoint(buffer, container)).toBeUndefined();
  });

  it('serves the newest lines as history with a small Query and one sized by what it held, and the resume point with one more', async () => {
    const buffer = new DynamoLogBuffer(table, DAY);
    const container = freshContainer();
    for (let first = 1; first <= 300; first += 3) await buffer.put(container, batchOf(lines(first, first + 2)));
    table.commands.length = 0;

    const history = await readHistory(buffer, container, { maxLines: 250 });
    const resume = await findResumePoint(buffer, container);

    // Whole batches: 84 of 3 lines reach 250, the oldest starting at 49.
    expect(seqsOf(history.batches)).toEqual(Array.from({ length: 252 }, (_, i) => 49 + i));
    expect(history).toMatchObject({ epoch: EPOCH, newestSeq: 300 });
    expect(table.commands).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
    expect(resume).toEqual({ epoch: EPOCH, resume: { seq: 300, ts: lines(300, 300)[0]!.ts, textsAtTs: ['line 300'] } });
  });

  describe('how much a history reads', () => {
    /** Text that compresses about 2×: each batch of 1,000 lines is an item of ~18 KB. */
    const noisy = (seq: number) => `line ${seq} ${createHash('sha256').update(String(seq)).digest('base64').slice(0, 16)}`;

    it('reads only the items the newest N lines need, not a page of N items: full batches cost one small page', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 20_000; first += 1000) await buffer.put(container, batchOf(lines(first, first + 999, noisy)));
      const partitionBytes = (await table.partition(logPk(container))).reduce((sum, item) => sum + (item.data as Uint8Array).length, 0);
      const meter = meterCapacity(table);

      const history = await readHistory(buffer, container, { maxLines: 1000 });
      const reads = meter.readUnits();
      meter.stop();

      expect(history.batches.map((b) => b.firstSeq)).toEqual([19_001]);
      // The one item needed and the one after it, not the 20 (4 KB a unit, read consistently).
      expect(reads).toBeLessThan(partitionBytes / 4096 / 5);
    });

    it('pages on, sized by the lines the items read so far held, until it has the N lines', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 3000; first += 10) await buffer.put(container, batchOf(lines(first, first + 9)));
      table.commands.length = 0;

      const history = await readHistory(buffer, container, { maxLines: 1000 });

      expect(seqsOf(history.batches)).toEqual(lines(2001, 3000).map((l) => l.seq));
      expect(table.commands.length).toBeLessThanOrEqual(3);
    });
  });

  describe('range (log.fetch, "load older")', () => {
    it('reads the batches overlapping a range far below the newest lines, in two bounded Queries', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 3000; first += 10) await buffer.put(container, batchOf(lines(first, first + 9)));
      const meter = meterCapacity(table);
      table.commands.length = 0;

      const { batches: found } = await buffer.range(container, EPOCH, 995, 1995, MAX_READ_BYTES);
      const reads = meter.readUnits();
      meter.stop();

      expect(found.map((b) => b.firstSeq)).toEqual(Array.from({ length: 101 }, (_, i) => 991 + i * 10));
      expect(table.commands).toEqual(['QueryCommand', 'QueryCommand']);
      // 101 batches of ~150 bytes each: a few units, not the 300 batches of the partition.
      expect(reads).toBeLessThan(10);
    });

    it('takes whole batches, oldest first, only up to maxBytes of compressed bytes (at least one), and says the seq it read to', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 100; first += 10) await buffer.put(container, batchOf(lines(first, first + 9)));
      const sizes = (await table.partition(logPk(container))).map((item) => (item.data as Uint8Array).length);

      const bounded = await buffer.range(container, EPOCH, 5, 95, sizes[0]! + sizes[1]! + sizes[2]!);
      const one = await buffer.range(container, EPOCH, 5, 95, 1);
      const all = await buffer.range(container, EPOCH, 5, 95, 1_000_000);

      expect(bounded.batches.map((b) => b.firstSeq)).toEqual([1, 11, 21]);
      expect(bounded.readToSeq).toBe(30);
      expect(one.batches.map((b) => b.firstSeq)).toEqual([1]);
      expect(one.readToSeq).toBe(10);
      expect(all.batches).toHaveLength(10);
      expect(all.readToSeq).toBeUndefined();
    });

    it('leaves out batches of other epochs and those ending at afterSeq', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 30; first += 10) await buffer.put(container, batchOf(lines(first, first + 9)));
      await buffer.put(container, batchOf(lines(1, 40, other), EPOCH + 1));

      expect(seqsOf((await buffer.range(container, EPOCH, 10, 20, MAX_READ_BYTES)).batches)).toEqual(lines(11, 20).map((l) => l.seq));
      expect(linesOf((await buffer.range(container, EPOCH + 1, 10, 20, MAX_READ_BYTES)).batches)).toEqual(lines(1, 40, other));
      expect(await buffer.range(container, EPOCH, 30, 1030, MAX_READ_BYTES)).toEqual({ batches: [] });
    });
  });

  describe('parts of a batch sent in parts', () => {
    it('holds parts in a partition of their own, which no buffer read meets, and finds them by their batch', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      const batch = { epoch: EPOCH, firstSeq: 1, lastSeq: 9, count: 3 };
      await buffer.holdPart(container, { ...batch, index: 0, data: Buffer.from('zero') });
      await buffer.holdPart(container, { ...batch, index: 1, data: Buffer.from('one') });
      await buffer.holdPart(container, { ...batch, index: 1, data: Buffer.from('one') });
      await buffer.holdPart(container, { ...batch, count: 2, index: 0, data: Buffer.from('another batch') });

      const held = await buffer.heldParts(container, batch);

      expect(held.map((p) => [p.index, Buffer.from(p.data).toString()]).sort()).toEqual([[0, 'zero'], [1, 'one']]);
      expect(await buffer.newest(container, everything)).toEqual([]);
      expect(await table.partition(partsPk(container))).toHaveLength(3);
      expect((await table.partition(partsPk(container)))[0]).toMatchObject({ expiresAt: T0 / 1000 + PART_TTL_SECONDS });
    });

    it('does not find expired parts', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      const batch = { epoch: EPOCH, firstSeq: 1, lastSeq: 9, count: 2 };
      await buffer.holdPart(container, { ...batch, index: 0, data: Buffer.from('zero') });

      table.setNow(T0 + (PART_TTL_SECONDS + 1) * 1000);

      expect(await buffer.heldParts(container, batch)).toEqual([]);
    });
  });

  describe('what a batch costs (dynalite ReturnConsumedCapacity)', () => {
    it.each([
      ['a full batch of 500 varied ~100-byte lines', 500],
      ['a trickle of one line', 1],
    ])('%s: one small conditional put and a one-item read, no delete', async (_name, count) => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      const varied = (seq: number) => `GET /api/items/${seq} 200 ${createHash('sha256').update(String(seq)).digest('hex').slice(0, 16)} ${'ok '.repeat(20)}`;
      await buffer.put(container, batchOf(lines(1, count, varied)));
      const next = batchOf(lines(count + 1, 2 * count, varied));
      const meter = meterCapacity(table);

      await buffer.put(container, next);

      const kb = Math.ceil((next.data.byteLength + 200) / 1024);
      expect(meter.writeUnits()).toBeLessThanOrEqual(kb);
      expect(meter.readUnits()).toBeLessThanOrEqual(Math.ceil(kb / 4));
      meter.stop();
    });
  });

  describe('a stored batch is rewritten only by an identical batch', () => {
    it('refuses a different batch at a stored first seq, keeping the stored one', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      await buffer.put(container, batchOf(lines(1, 5)));

      expect(await buffer.put(container, batchOf(lines(1, 3, other)))).toEqual({ kind: 'conflict', firstSeq: 1, lastSeq: 5 });

      expect(linesOf(await buffer.newest(container, everything))).toEqual(lines(1, 5));
    });

    it.each([
      ['starts inside a stored batch', [1, 5], [4, 8]],
      ['ends inside a stored batch', [4, 8], [2, 4]],
      ['covers a stored batch', [4, 5], [3, 9]],
    ])('refuses a batch that %s, keeping the stored one', async (_name, [storedFirst, storedLast], [first, last]) => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      await buffer.put(container, batchOf(lines(storedFirst!, storedLast!)));

      expect(await buffer.put(container, batchOf(lines(first!, last!, other)))).toEqual({ kind: 'conflict', firstSeq: storedFirst, lastSeq: storedLast });
      expect(seqsOf(await buffer.newest(container, everything))).toEqual(lines(storedFirst!, storedLast!).map((l) => l.seq));
    });

    it('stores the same seqs of a newer epoch apart, serving the newest epoch first in one bounded read', async () => {
      const buffer = new DynamoLogBuffer(table, DAY);
      const container = freshContainer();
      for (let first = 1; first <= 30; first += 10) await buffer.put(container, batchOf(lines(first, first + 9)));

      expect(await buffer.put(container, batchOf(lines(1, 2, other), EPOCH + 1))).toEqual({ kind: 'stored' });
      table.commands.length = 0;

      const newest = await findResumePoint(buffer, container);
      const history = await readHistory(buffer, container, { maxLines: 1000 });
      expect(newest?.epoch).toBe(EPOCH + 1);
      expect(history).toMatchObject({ epoch: EPOCH + 1, newestSeq: 2 });
      expect(linesOf(history.batches)).toEqual(lines(1, 2, other));
      expect(table.commands).toEqual(['QueryCommand', 'QueryCommand']);
    });
  });
});
