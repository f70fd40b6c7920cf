import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { batchObjectKey, S3BatchBodies } from '../../../lambdas/adapters/s3-batch-bodies';
import { createS3Client } from '../../../lambdas/adapters/s3-client';
import { LocalMeter } from '../../../infra/local/metering/local-meter';
import { startLocalObjectStore, type LocalObjectStore } from '../../../infra/local/object-store';

const BUCKET = 'batches';
const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const container = { agentId: 'host-1', containerId: 'c1' };
const digest = 'ab'.repeat(32);

describe('S3BatchBodies on the local object store', () => {
  let now = T0;
  let store: LocalObjectStore;
  let s3: S3Client;
  let bodies: S3BatchBodies;
  const meter = new LocalMeter();
  beforeAll(async () => {
    store = await startLocalObjectStore({ buckets: [BUCKET], meter, lifecycle: { expireAfterMs: 2 * DAY_MS, intervalMs: 3_600_000, clock: { now: () => now } } });
    s3 = createS3Client({ endpoint: store.endpoint, region: store.region });
    bodies = new S3BatchBodies(s3, BUCKET);
  });
  beforeEach(() => {
    now = T0;
    meter.reset();
  });
  afterAll(async () => {
    s3.destroy();
    await store.stop();
  });

  it('keys a batch’s bytes by container, epoch, first seq and digest, so two different batches never share a key', () => {
    expect(batchObjectKey(container, 1764070000000, 42, digest)).toBe(`batches/host-1/c1/0001764070000000-0000000000000042-${digest}`);
    expect(batchObjectKey(container, 1764070000000, 42, 'cd'.repeat(32))).not.toBe(batchObjectKey(container, 1764070000000, 42, digest));
    expect(batchObjectKey({ agentId: 'host-1', containerId: 'c2' }, 1764070000000, 42, digest)).not.toBe(batchObjectKey(container, 1764070000000, 42, digest));
  });

  it('gives back the bytes it put, with one conditional PUT and one GET', async () => {
    const key = batchObjectKey(container, 1, 1, digest);
    const bytes = new Uint8Array(20_000).map((_, i) => i % 251);

    await bodies.put(key, bytes);

    expect(await bodies.get(key)).toEqual(bytes);
    expect(meter.read().objectRequests).toEqual({ PutObject: 1, GetObject: 1 });
  });

  it('answers undefined for a key that holds nothing', async () => {
    expect(await bodies.get(batchObjectKey(container, 1, 999, digest))).toBeUndefined();
  });

  it('puts the same batch again over an old upload, restarting its age so the lifecycle keeps it as long as the new item lives', async () => {
    const key = batchObjectKey(container, 1, 100, digest);
    const bytes = new Uint8Array([1, 2, 3]);
    await bodies.put(key, bytes);

    now = T0 + 1.5 * DAY_MS; // stored again after its first item expired
    await bodies.put(key, bytes);
    now = T0 + 2.5 * DAY_MS; // the first upload is 2.5 days old, the second 1 day
    store.sweepExpired!();

    expect(await bodies.get(key)).toEqual(bytes);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.LastModified!.getTime()).toBe(Math.floor((T0 + 1.5 * DAY_MS) / 1000) * 1000);
  });

  it('fails loudly when the bucket is not there (a misconfigured BATCH_BUCKET), rather than storing nothing', async () => {
    const elsewhere = new S3BatchBodies(s3, 'not-a-bucket');

    await expect(elsewhere.put(batchObjectKey(container, 1, 1, digest), new Uint8Array([1]))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
