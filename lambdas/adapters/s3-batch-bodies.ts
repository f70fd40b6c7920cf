/**
 * The compressed bytes of large stored batches, one S3 object each (docs/data-model.md, "Stored
 * batches"). DynamoDB charges a write unit per KB, S3 one price per PUT whatever its size: above
 * INLINE_BATCH_MAX_BYTES the bytes are cheaper in S3, and the buffer's item keeps the rest.
 *
 * An object is written once: its key names the container, epoch, first seq and the digest of the
 * batch's inflated body, and the put is conditional (`If-None-Match: *`), so no other batch can
 * ever replace the bytes an item points to. Objects are never deleted here: the bucket's lifecycle
 * rule expires them (BATCH_BUCKET_DESIGN), after the items that point to them.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ContainerRef } from '../../protocol';
import { BATCH_BUCKET_DESIGN } from '../batch-bucket-design';

/**
 * Compressed bytes above this go to S3. The break-even: a PUT costs $0.005 per 1000 ($5 per
 * million), as much as 8 write units ($0.625 per million, 1 KB each) — so from 8 KB on, one PUT
 * is cheaper than writing the bytes into the item (which costs its ~1 WRU of seqs and digest
 * either way). Below it, bytes stay inline: a trickle's one-line batches pay no S3 round trip.
 */
export const INLINE_BATCH_MAX_BYTES = 8 * 1024;

/** Where the buffer keeps bytes it does not keep inline. */
export interface BatchBodies {
  /** Stores the bytes under `key`. The same key is only ever given the same batch (its digest is in it). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`; undefined when there is no such object (never expected: objects outlive their items). */
  get(key: string): Promise<Uint8Array | undefined>;
}

/**
 * batches/<agentId>/<containerId>/<epoch, 16 digits>-<firstSeq, 16 digits>-<digest>: one batch's
 * bytes, grouped per container. Ids are `[A-Za-z0-9][A-Za-z0-9._-]*`: never a `.` or `..` segment.
 */
export function batchObjectKey(container: ContainerRef, epoch: number, firstSeq: number, digest: string): string {
  const pad = (n: number) => String(n).padStart(16, '0');
  return `${BATCH_BUCKET_DESIGN.objectPrefix}${container.agentId}/${container.containerId}/${pad(epoch)}-${pad(firstSeq)}-${digest}`;
}

export class S3BatchBodies implements BatchBodies {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, IfNoneMatch: '*', ContentType: 'application/octet-stream' }));
    } catch (error) {
      if (!isKeyTaken(error)) throw error;
      // The key exists (or is being written), so it holds this batch (the digest is in the key) — but it may be
      // an old upload (a batch stored again after its item expired) that the lifecycle rule removes
      // before the new item expires. Writing the same bytes again restarts its age.
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: 'application/octet-stream' }));
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await object.Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** 412: the key exists; 409 ConditionalRequestConflict: another conditional put of it is under way. */
function isKeyTaken(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 412;
}
