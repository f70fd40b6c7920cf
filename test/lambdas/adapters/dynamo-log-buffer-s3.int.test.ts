import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerRef, LogLine } from '../../../protocol';
import { compressLines, packedBytes } from '../../../protocol/packed-zlib';
import { BatchBodiesUnavailableError, BODY_READS_IN_FLIGHT, DynamoLogBuffer, MAX_READ_BYTES } from '../../../lambdas/adapters/dynamo-log-buffer';
import { logPk } from '../../../lambdas/adapters/keys';
import { batchObjectKey, INLINE_BATCH_MAX_BYTES, S3BatchBodies, type BatchBodies } from '../../../lambdas/adapters/s3-batch-bodies';
import { createS3Client } from '../../../lambdas/adapters/s3-client';
import { checkPackedBatch } from '../../../lambdas/domain/check-packed-batch';
import { findResumePoint } from '../../../lambdas/domain/find-resume-point';
import type { Logger, NewBatch, StoredBatch } from '../../../lambdas/domain/ports';
import { readHistory } from '../../../lambdas/domain/read-history';
import { LocalMeter } from '../../../infra/local/metering/local-meter';
import { startLocalObjectStore, type LocalObjectStore } from '../../../infra/local/object-store';
import { unpacked } from '../../support/packed-batches';
import { openLocalTable, T0, type LocalTable } from './local-table';

const DAY = 86_400;
const EPOCH = T0 - 3_600_000;
const BUCKET = 'batches';

/** Lines of random text: they compress badly, so a few dozen pass the inline bound. */
function noisyLines(first: number, last: number): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    seq: first + i,
    ts: new Date(T0 + (first + i) * 1000).toISOString(),
    stream: 'stdout',
    text: `req ${first + i} ${randomBytes(300).toString('base64')}`,
  }));
}
function quietLines(first: number, last: number): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({ seq: first + i, ts: new Date(T0 + (first + i) * 1000).toISOString(), stream: 'stdout', text: `line ${first + i}` }));
}

function batchOf(batchLines: readonly LogLine[], epoch = EPOCH): NewBatch {
  const { firstSeq, lastSeq, data } = compressLines(batchLines);
  const bytes = packedBytes(data);
  return { epoch, firstSeq, lastSeq, lineCount: lastSeq - firstSeq + 1, data: bytes, digest: checkPackedBatch({ firstSeq, lastSeq }, bytes).digest };
}
const linesOf = (batches: readonly StoredBatch[]) => batches.flatMap((b) => unpacked({ data: Buffer.from(b.data).toString('base64') }));
const everything = { lines: Number.POSITIVE_INFINITY, batches: 10_000 };

let containerCount = 0;
const freshContainer = (): ContainerRef => ({ agentId: 'host-1', containerId: `s3c${++containerCount}` });

describe('DynamoLogBuffer with large batches’ bytes in S3 (dynalite + the local object store)', () => {
  let table: LocalTable;
  let objects: LocalObjectStore;
  let bodies: S3BatchBodies;
  let destroyS3: () => void;
  const meter = new LocalMeter();
  const warnings: { message: string; context?: Record<string, unknown> }[] = [];
  const logger: Logger = { warn: (message, context) => warnings.push({ message, context }), error: () => {} };

  beforeAll(async () => {
    table = await openLocalTable();
    objects = await startLocalObjectStore({ buckets: [BUCKET], meter });
    const s3 = createS3Client({ endpoint: objects.endpoint, region: objects.region });
    destroyS3 = () => s3.destroy();
    bodies = new S3BatchBodies(s3, BUCKET);
  });
  beforeEach(() => {
    meter.reset();
    warnings.length = 0;
  });
  afterAll(async () => {
    destroyS3();
    await objects.stop();
    await table.close();
  });

  it('keeps a large batch’s bytes in an object: its item holds the seqs, line count, epoch, digest, expiry and the object key, no bytes', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    const batch = batchOf(noisyLines(1, 40));
    expect(batch.data.length).toBeGreaterThan(INLINE_BATCH_MAX_BYTES);

    expect(await buffer.put(container, batch)).toEqual({ kind: 'stored' });

    const [item] = await table.partition(logPk(container));
    expect(item).toMatchObject({ epoch: EPOCH, firstSeq: 1, lastSeq: 40, lineCount: 40, digest: batch.digest, expiresAt: T0 / 1000 + DAY });
    expect(item!.data).toBeUndefined();
    expect(item!.objectKey).toBe(batchObjectKey(container, EPOCH, 1, batch.digest));
    expect(Buffer.from((await bodies.get(item!.objectKey as string))!).equals(Buffer.from(batch.data))).toBe(true);
  });

  it('keeps a small batch inline, with no S3 request', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    const batch = batchOf(quietLines(1, 5));

    await buffer.put(container, batch);
    await buffer.newest(container, everything);

    const [item] = await table.partition(logPk(container));
    expect(item!.data).toBeInstanceOf(Uint8Array);
    expect(item!.objectKey).toBeUndefined();
    expect(meter.read().objectRequests).toEqual({});
  });

  it('serves the same lines from large and small batches alike: history, fetch (range) and the resume point', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    const stored = [noisyLines(1, 30), quietLines(31, 33), noisyLines(34, 80), quietLines(81, 81), noisyLines(82, 120)];
    for (const batchLines of stored) await buffer.put(container, batchOf(batchLines));
    const all = stored.flat();

    const history = await readHistory(buffer, container, { maxLines: 1000 });
    const { batches: fetched } = await buffer.range(container, EPOCH, 40, 90, MAX_READ_BYTES);
    const resume = await findResumePoint(buffer, container);

    expect(linesOf(history.batches)).toEqual(all);
    expect(history).toMatchObject({ epoch: EPOCH, newestSeq: 120 });
    expect(linesOf(fetched)).toEqual(all.slice(33)); // whole batches: 34–80, 81, 82–120
    expect(resume).toEqual({ epoch: EPOCH, resume: { seq: 120, ts: all[119]!.ts, textsAtTs: [all[119]!.text] } });
    expect(meter.read().objectRequests.PutObject).toBe(3);
  });

  it('writes nothing to S3 for a redelivered batch, and refuses a different one at a stored first seq before writing its object', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    const batch = batchOf(noisyLines(1, 40));
    await buffer.put(container, batch);
    meter.reset();

    expect(await buffer.put(container, batch)).toEqual({ kind: 'unchanged' });
    expect(await buffer.put(container, batchOf(noisyLines(1, 40)))).toEqual({ kind: 'conflict', firstSeq: 1, lastSeq: 40 });

    expect(meter.read().objectRequests).toEqual({});
    expect(linesOf(await buffer.newest(container, everything)).map((l) => l.text)).toEqual(unpacked({ data: Buffer.from(batch.data).toString('base64') }).map((l) => l.text));
  });

  it('reads the objects of many large batches in parallel, at most BODY_READS_IN_FLIGHT at a time, and keeps their order', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: BatchBodies = {
      put: (key, bytes) => bodies.put(key, bytes),
      get: async (key) => {
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return await bodies.get(key);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const buffer = new DynamoLogBuffer(table, DAY, { bodies: counting, logger });
    const container = freshContainer();
    const stored = Array.from({ length: 20 }, (_, i) => noisyLines(i * 30 + 1, i * 30 + 30));
    for (const batchLines of stored) await buffer.put(container, batchOf(batchLines));

    const history = await readHistory(buffer, container, { maxLines: 1000 });

    expect(linesOf(history.batches).map((l) => l.seq)).toEqual(stored.flat().map((l) => l.seq));
    expect(most).toBe(BODY_READS_IN_FLIGHT);
  });

  it('takes a history of long incompressible lines only up to MAX_READ_BYTES of compressed bytes (the newest first, at least one)', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    // Lines of 200 KB of random base64 (~150 KB compressed each): one batch per line, as the agent sends them.
    const long = (seq: number): LogLine => ({ seq, ts: new Date(T0 + seq * 1000).toISOString(), stream: 'stdout', text: randomBytes(150 * 1024).toString('base64') });
    const count = Math.ceil(MAX_READ_BYTES / (150 * 1024)) + 4;
    for (let seq = 1; seq <= count; seq++) await buffer.put(container, batchOf([long(seq)]));

    const newest = await buffer.newest(container, { lines: 1000, batches: 1000 });

    const taken = newest.reduce((sum, batch) => sum + batch.data.length, 0);
    expect(taken).toBeLessThanOrEqual(MAX_READ_BYTES);
    expect(newest.length).toBeGreaterThan(0);
    expect(newest.length).toBeLessThan(count);
    expect(newest[0]!.lastSeq).toBe(count);
  });

  it('takes a fetch (range) of long incompressible lines only up to MAX_READ_BYTES, the oldest first, getting only their objects, and says the seq it read to', async () => {
    const buffer = new DynamoLogBuffer(table, DAY, { bodies, logger });
    const container = freshContainer();
    const long = (seq: number): LogLine => ({ seq, ts: new Date(T0 + seq * 1000).toISOString(), stream: 'stdout', text: randomBytes(150 * 1024).toString('base64') });
    const count = Math.ceil(MAX_READ_BYTES / (150 * 1024)) + 4;
    for (let seq = 1; seq <= count; seq++) await buffer.put(container, batchOf([long(seq)]));
    const getsBefore = meter.read().objectRequests.GetObject ?? 0;

    const { batches, readToSeq } = await buffer.range(container, EPOCH, 0, count, MAX_READ_BYTES);

    expect(batches.reduce((sum, batch) => sum + batch.data.length, 0)).toBeLessThanOrEqual(MAX_READ_BYTES);
    expect(batches.map((b) => b.firstSeq)).toEqual(Array.from({ length: batches.length }, (_, i) => i + 1));
    expect(batches.length).toBeLessThan(count);
    expect(readToSeq).toBe(batches.length);
    expect((meter.read().objectRequests.GetObject ?? 0) - getsBefore).toBe(batches.length);
  });

  it('serves a batch whose object is gone as if it had expired — a gap, not a failed read — and says so', async () => {
    const vanishing: BatchBodies = { put: (key, bytes) => bodies.put(key, bytes), get: async () => undefined };
    const buffer = new DynamoLogBuffer(table, DAY, { bodies: vanishing, logger });
    const container = freshContainer();
    await buffer.put(container, batchOf(quietLines(1, 3)));
    await buffer.put(container, batchOf(noisyLines(4, 40)));

    expect(linesOf(await buffer.newest(container, everything)).map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(warnings).toEqual([expect.objectContaining({ context: expect.objectContaining({ ...container, firstSeq: 4, lastSeq: 40 }) })]);
  });

  it('refuses to serve batches kept in S3 when given no bucket, naming the setting', async () => {
    const container = freshContainer();
    await new DynamoLogBuffer(table, DAY, { bodies, logger }).put(container, batchOf(noisyLines(1, 40)));

    const read = new DynamoLogBuffer(table, DAY).newest(container, everything);
    await expect(read).rejects.toBeInstanceOf(BatchBodiesUnavailableError);
    await expect(new DynamoLogBuffer(table, DAY).newest(container, everything)).rejects.toThrow(/BATCH_BUCKET/);
  });
});
