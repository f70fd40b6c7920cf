import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../lambdas/adapters/s3-client';
import { LocalMeter } from '../../../infra/local/metering/local-meter';
import { checksumOf } from '../../../infra/local/object-checksums';
import { startLocalObjectStore, type LocalObjectStore, type LocalObjectStoreOptions } from '../../../infra/local/object-store';

const BUCKET = 'batches';
const started: LocalObjectStore[] = [];
const clients: S3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const store of started.splice(0)) await store.stop();
});

async function start(options: Partial<LocalObjectStoreOptions> = {}): Promise<{ store: LocalObjectStore; s3: S3Client }> {
  const store = await startLocalObjectStore({ buckets: [BUCKET], ...options });
  started.push(store);
  const s3 = createS3Client({ endpoint: store.endpoint, region: store.region });
  clients.push(s3);
  return { store, s3 };
}

async function bytesOf(s3: S3Client, key: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToByteArray();
}

/** What the SDK throws, as { name, status }, or undefined when it does not throw. */
async function failure(attempt: Promise<unknown>): Promise<{ name: string; status?: number } | undefined> {
  try {
    await attempt;
    return undefined;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
}

function manualClock(at: number) {
  return { now: () => at, set: (ms: number) => (at = ms) };
}

const body = (text: string) => new TextEncoder().encode(text);

describe('the local object store, through the real S3 client', () => {
  it('gives back the bytes put under a key, at once (read-after-write), with their size and ETag', async () => {
    const { s3 } = await start();
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) % 256);

    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'logs/a/c/1-2-abc', Body: bytes }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'logs/a/c/1-2-abc' }));

    expect(await bytesOf(s3, 'logs/a/c/1-2-abc')).toEqual(bytes);
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.ETag).toBe(put.ETag);
  });

  it('refuses a put with If-None-Match: * over an existing key (412 PreconditionFailed) and keeps the stored bytes', async () => {
    const { s3 } = await start();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('first'), IfNoneMatch: '*' }));

    const refused = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('second'), IfNoneMatch: '*' })));

    expect(refused).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect(new TextDecoder().decode(await bytesOf(s3, 'k'))).toBe('first');
  });

  it('lets exactly one of many racing conditional puts of one key win', async () => {
    const { s3 } = await start();

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'race', Body: body(`writer ${i}`), IfNoneMatch: '*' })))),
    );

    expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
    expect(outcomes.filter((o) => o?.name === 'PreconditionFailed')).toHaveLength(19);
  });

  it('overwrites a key when the put is not conditional, as S3 does', async () => {
    const { s3 } = await start();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('first') }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('second') }));

    expect(new TextDecoder().decode(await bytesOf(s3, 'k'))).toBe('second');
  });

  it('answers a missing key with S3’s NoSuchKey (404) on GetObject and NotFound (404) on HeadObject', async () => {
    const { s3 } = await start();

    const get = s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nothing-here' }));
    await expect(get).rejects.toBeInstanceOf(NoSuchKey);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nothing-here' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nothing-here' })))).toEqual({ name: 'NotFound', status: 404 });
  });

  it('deletes a key, and deletes a missing one without complaint', async () => {
    const { s3 } = await start();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('x') }));

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k' }));

    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('answers a bucket it does not hold with NoSuchBucket', async () => {
    const { s3 } = await start();

    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'elsewhere', Key: 'k', Body: body('x') })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });

  it('decodes a streamed upload (aws-chunked, its CRC32 in a trailer) to the bytes streamed', async () => {
    const { s3 } = await start();
    const parts = [body('a'.repeat(70_000)), body('b'.repeat(10)), body('c'.repeat(5_000))];
    const whole = new Uint8Array(Buffer.concat(parts));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed', Body: Readable.from(parts.map((p) => Buffer.from(p))), ContentLength: whole.length }));

    expect(await bytesOf(s3, 'streamed')).toEqual(whole);
  });

  it('returns the upload’s CRC32 with the object, which the client then verifies', async () => {
    const { s3 } = await start();
    const bytes = body('checked end to end');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: bytes }));

    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await got.Body!.transformToByteArray();

    expect(put.ChecksumCRC32).toBe(checksumOf('crc32', bytes));
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
  });

  it('refuses an upload whose checksum does not match its bytes (400 BadDigest) and stores nothing', async () => {
    const { s3 } = await start();

    const refused = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('these bytes'), ChecksumCRC32: checksumOf('crc32', body('other bytes')) })));

    expect(refused).toEqual({ name: 'BadDigest', status: 400 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k' })))).toEqual({ name: 'NotFound', status: 404 });
  });

  it('refuses what it does not implement with 501 NotImplemented instead of half doing it', async () => {
    const { s3 } = await start();

    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toEqual({ name: 'NotImplemented', status: 501 });
  });

  it('refuses an upload larger than its bound with EntityTooLarge', async () => {
    const { s3 } = await start({ maxObjectBytes: 1024 });

    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: new Uint8Array(2048) })))).toEqual({ name: 'EntityTooLarge', status: 400 });
  });

  it('deletes objects once they are older than the lifecycle’s expiry, and keeps younger ones', async () => {
    const clock = manualClock(Date.parse('2026-12-01T12:00:00Z'));
    const { store, s3 } = await start({ lifecycle: { expireAfterMs: 60_000, intervalMs: 3_600_000, clock } });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'old', Body: body('old') }));
    clock.set(clock.now() + 30_000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'young', Body: body('young') }));

    clock.set(clock.now() + 30_000);
    expect(store.sweepExpired!()).toBe(1);

    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'old' })))).toEqual({ name: 'NotFound', status: 404 });
    expect(await bytesOf(s3, 'young')).toEqual(body('young'));
    expect(store.usage(BUCKET)).toEqual({ objects: 1, bytes: 5 });
  });

  it('sweeps expired objects in the background, so a long run’s memory stays bounded', async () => {
    const clock = manualClock(Date.parse('2026-12-01T12:00:00Z'));
    const { store, s3 } = await start({ lifecycle: { expireAfterMs: 1_000, intervalMs: 20, clock } });
    for (let i = 0; i < 10; i++) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `k${i}`, Body: new Uint8Array(1000) }));
    expect(store.usage(BUCKET)).toEqual({ objects: 10, bytes: 10_000 });

    clock.set(clock.now() + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(store.usage(BUCKET)).toEqual({ objects: 0, bytes: 0 });
  });

  it('holds at most maxStoredBytes: a put that would pass it first deletes the oldest objects, as if their lifecycle had come', async () => {
    const { store, s3 } = await start({ buckets: [BUCKET, 'other'], maxStoredBytes: 3_400 });
    for (let i = 0; i < 3; i++) await s3.send(new PutObjectCommand({ Bucket: i === 1 ? 'other' : BUCKET, Key: `k${i}`, Body: new Uint8Array(1000).fill(i) }));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k3', Body: new Uint8Array(1000).fill(3) }));

    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k0' })))).toEqual({ name: 'NotFound', status: 404 });
    expect(await bytesOf(s3, 'k2')).toEqual(new Uint8Array(1000).fill(2));
    expect(store.usage(BUCKET)).toEqual({ objects: 2, bytes: 2_000 });
    expect(store.usage('other')).toEqual({ objects: 1, bytes: 1_000 });

    // A rewrite of a key replaces its bytes in the count, and counts as its newest write.
    await s3.send(new PutObjectCommand({ Bucket: 'other', Key: 'k1', Body: new Uint8Array(500) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k4', Body: new Uint8Array(1000) }));
    expect(store.usage(BUCKET)).toEqual({ objects: 2, bytes: 2_000 });
    expect(store.usage('other')).toEqual({ objects: 1, bytes: 500 });
  });

  it('counts every request by operation for the meter, refused ones too (S3 bills them)', async () => {
    const meter = new LocalMeter();
    const { s3 } = await start({ meter });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('x'), IfNoneMatch: '*' }));
    await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: body('x'), IfNoneMatch: '*' })));
    await bytesOf(s3, 'k');
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k' }));

    expect(meter.read().objectRequests).toEqual({ PutObject: 2, GetObject: 1, HeadObject: 1 });
  });
});
