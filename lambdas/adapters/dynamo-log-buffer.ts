/**
 * A container's buffer: one item per stored batch, LOG#<container>/B#<epoch>#<firstSeq>, holding the
 * packed lines' compressed bytes as the agent sent them (a binary attribute, `data`), their seqs and
 * the SHA-256 of the inflated body (`digest`). A stored batch is rewritten only by an identical
 * one: the put is conditional on the key being free or holding the same digest, and a batch
 * overlapping another stored batch of its epoch is refused before it is written (one Query of
 * one item: stored batches of an epoch never overlap, so only the one starting last at or before
 * the new batch's last seq can clash).
 *
 * Nothing here deletes: a DeleteItem costs as much as the write it undoes, and TTL (`expiresAt`)
 * evicts for free. Readers skip expired items, and read only what they need with bounded queries.
 *
 * Parts of a batch sent in parts are held in a partition of their own (PART#<container>) until
 * its last part comes, and expire after PART_TTL_SECONDS.
 *
 * Given a place for batch bodies (S3, s3-batch-bodies.ts), a batch whose compressed bytes pass
 * INLINE_BATCH_MAX_BYTES keeps them there: the object is written first, then the item, holding
 * `objectKey` instead of `data` (an item that loses its conditional put leaves an orphan object,
 * which the bucket's lifecycle removes). Every read fetches the bodies of the batches it returns,
 * BODY_READS_IN_FLIGHT at a time, after choosing them from the items alone.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_PACKED_BYTES, type ContainerRef } from '../../protocol';
import { forEachBounded } from '../domain/for-each-bounded';
import type { HeldPart, LogBuffer, Logger, NewBatch, NewestBounds, PartedBatch, StoreOutcome, StoredBatch } from '../domain/ports';
import { isConditionFailure } from './condition-failure';
import { expiresAt, isExpired } from './expiry';
import { batchKey, batchSk, logPk, partedBatchSkPrefix, partKey, partsPk } from './keys';
import { queryAll } from './query-pages';
import { batchObjectKey, INLINE_BATCH_MAX_BYTES, type BatchBodies } from './s3-batch-bodies';
import type { Table } from './table';
import { newestOfEpoch } from '../domain/newest-of-epoch';

/** Held parts wait this long for the rest of their batch: the agent sends each next part on the ack of the one before. */
export const PART_TTL_SECONDS = 3600;

/** One Query page at most: DynamoDB stops a page at 1 MB whatever its Limit. */
const MAX_QUERY_LIMIT = 10_000;

/**
 * The compressed bytes a history takes at most: bytes in S3 no longer end a DynamoDB page, and a
 * container of long incompressible lines (one 300 KB batch each) would otherwise pull hundreds of
 * MB into one invocation. At least one batch is always taken; older lines stay reachable by log.fetch.
 */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/** S3 GETs of one read at a time: a history of many large batches must not open a socket each. */
export const BODY_READS_IN_FLIGHT = 8;

export interface DynamoLogBufferOptions {
  /** Where bytes above INLINE_BATCH_MAX_BYTES go. Without it every batch stays inline. */
  readonly bodies?: BatchBodies;
  /** Told of a stored batch whose object is missing (served as if it had expired). */
  readonly logger?: Logger;
}

/** A stored batch keeps its bytes in S3, and this buffer was given no bucket: a configuration fault. */
export class BatchBodiesUnavailableError extends Error {
  override readonly name = 'BatchBodiesUnavailableError';
  constructor(readonly container: ContainerRef) {
    super(`stored batches of ${container.agentId}/${container.containerId} keep their bytes in S3, and this buffer was given no S3 bucket (BATCH_BUCKET)`);
  }
}

/** A stored batch as its item has it: the bytes inline, or the key of the object holding them. */
/** A stored batch as its item says, `bytes` its compressed size. */
type ItemBatch = Omit<StoredBatch, 'data'> & { readonly bytes: number } & ({ readonly data: Uint8Array } | { readonly objectKey: string });

interface BatchBounds {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly digest?: string;
}

type Item = Record<string, unknown>;

export class DynamoLogBuffer implements LogBuffer {
  constructor(
    private readonly table: Table,
    private readonly ttlSeconds: number,
    private readonly options: DynamoLogBufferOptions = {},
  ) {}

  async put(container: ContainerRef, batch: NewBatch): Promise<StoreOutcome> {
    const { epoch, firstSeq, lastSeq, digest } = batch;
    const neighbour = await this.lastStartingAtOrBefore(container, epoch, lastSeq);
    if (neighbour) {
      if (neighbour.firstSeq === firstSeq && neighbour.digest === digest) return { kind: 'unchanged' };
      if (neighbour.firstSeq >= firstSeq || neighbour.lastSeq >= firstSeq) return conflict(neighbour);
    }

    const { bodies } = this.options;
    let body: { data: Uint8Array } | { objectKey: string } = { data: batch.data };
    if (bodies && batch.data.length > INLINE_BATCH_MAX_BYTES) {
      // The object before the item: an item never points at bytes not yet written.
      const objectKey = batchObjectKey(container, epoch, firstSeq, digest);
      await bodies.put(objectKey, batch.data);
      body = { objectKey };
    }
    const now = this.table.clock.now();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...batchKey(container, epoch, firstSeq),
            epoch,
            firstSeq,
            lastSeq,
            lineCount: batch.lineCount,
            // The compressed size, wherever the bytes are: reads bound what they take by it.
            bytes: batch.data.length,
            digest,
            ...body,
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
        new GetCommand({ TableName: this.table.tableName, Key: batchKey(container, epoch, firstSeq), ConsistentRead: true, ProjectionExpression: 'firstSeq, lastSeq' }),
      );
      return conflict((stored.Item as BatchBounds | undefined) ?? { firstSeq, lastSeq });
    }
  }

  async newest(container: ContainerRef, bounds: NewestBounds): Promise<StoredBatch[]> {
    const now = this.table.clock.now();
    // One page, newest first: every batch holds at least one line, so `lines` batches always
    // reach `lines` lines; DynamoDB ends the page at 1 MB in any case.
    const output = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
        ExpressionAttributeValues: { ':pk': logPk(container), ':batch': 'B#' },
        ScanIndexForward: false,
        // A batch stored just before a subscription must be in its history (see subscribe).
        ConsistentRead: true,
        Limit: Math.max(1, Math.min(bounds.batches, MAX_QUERY_LIMIT)),
      }),
    );
    const unexpired = ((output.Items ?? []) as Item[]).flatMap((item) => itemBatchOf(item, now) ?? []);
    return this.withBodies(container, newestOfEpoch(unexpired, bounds.lines, MAX_READ_BYTES, (batch) => batch.bytes));
  }

  async range(container: ContainerRef, epoch: number, afterSeq: number, toSeq: number): Promise<StoredBatch[]> {
    if (toSeq <= afterSeq) return [];
    const now = this.table.clock.now();
    // The one batch that can hold afterSeq + 1 while starting before it (batches of an epoch never overlap)…
    const before = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': logPk(container), ':from': batchSk(epoch, 0), ':to': batchSk(epoch, afterSeq + 1) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    // …and every batch starting inside the range: each holds a seq of it, so there are at most toSeq − afterSeq − 1.
    const inside =
      toSeq > afterSeq + 1
        ? await queryAll(this.table.client, {
            TableName: this.table.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': logPk(container), ':from': batchSk(epoch, afterSeq + 2), ':to': batchSk(epoch, toSeq) },
            ConsistentRead: true,
          })
        : [];
    const batches = [...((before.Items ?? []) as Item[]), ...inside]
      .map((item) => itemBatchOf(item, now))
      .filter((batch): batch is ItemBatch => batch !== undefined && batch.lastSeq > afterSeq && batch.firstSeq <= toSeq);
    return this.withBodies(container, batches);
  }

  async holdPart(container: ContainerRef, part: HeldPart): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...partKey(container, part), index: part.index, data: part.data, expiresAt: expiresAt(this.table.clock.now(), PART_TTL_SECONDS) },
      }),
    );
  }

  async heldParts(container: ContainerRef, batch: PartedBatch): Promise<HeldPart[]> {
    const now = this.table.clock.now();
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
      ExpressionAttributeValues: { ':pk': partsPk(container), ':batch': partedBatchSkPrefix(batch) },
      ConsistentRead: true,
    });
    return items
      .filter((item) => !isExpired(item, now) && typeof item.index === 'number' && item.data instanceof Uint8Array)
      .map((item) => ({ ...batch, index: item.index as number, data: item.data as Uint8Array }));
  }

  /**
   * The batches with their bytes, in the same order: objects fetched in parallel, bounded. A batch
   * whose object is gone is left out, as an expired one is — a gap the viewer sees, not a failed read.
   */
  private async withBodies(container: ContainerRef, batches: readonly ItemBatch[]): Promise<StoredBatch[]> {
    const fetched = new Map<string, Uint8Array | undefined>();
    const keys = batches.flatMap((batch) => ('objectKey' in batch ? [batch.objectKey] : []));
    if (keys.length > 0) {
      const { bodies } = this.options;
      if (!bodies) throw new BatchBodiesUnavailableError(container);
      await forEachBounded(keys, BODY_READS_IN_FLIGHT, async (key) => {
        fetched.set(key, await bodies.get(key));
      });
    }
    const served: StoredBatch[] = [];
    for (const batch of batches) {
      const { epoch, firstSeq, lastSeq, lineCount } = batch;
      const data = 'objectKey' in batch ? fetched.get(batch.objectKey) : batch.data;
      if (data) served.push({ epoch, firstSeq, lastSeq, lineCount, data });
      else this.options.logger?.warn('a stored batch\'s object is missing: served as expired', { ...container, epoch, firstSeq, lastSeq, objectKey: 'objectKey' in batch ? batch.objectKey : undefined });
    }
    return served;
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

/**
 * The batch an item holds; undefined when it has expired, or is of the layout before packed batches
 * (lines as JSON, neither `data` nor `objectKey`): those are not served, and expire within a day.
 */
function itemBatchOf(item: Item, nowMs: number): ItemBatch | undefined {
  if (isExpired(item, nowMs)) return undefined;
  const body = item.data instanceof Uint8Array ? { data: item.data } : typeof item.objectKey === 'string' ? { objectKey: item.objectKey } : undefined;
  if (!body) return undefined;
  const firstSeq = item.firstSeq as number;
  const lastSeq = item.lastSeq as number;
  return {
    epoch: typeof item.epoch === 'number' ? item.epoch : 0,
    firstSeq,
    lastSeq,
    lineCount: typeof item.lineCount === 'number' ? item.lineCount : lastSeq - firstSeq + 1,
    // Items stored before `bytes` existed: an inline one's size is known, an object's may be the largest.
    bytes: typeof item.bytes === 'number' ? item.bytes : item.data instanceof Uint8Array ? item.data.length : MAX_PACKED_BYTES,
    ...body,
  };
}
