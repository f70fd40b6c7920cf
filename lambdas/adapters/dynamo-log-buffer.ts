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
import type { HeldPart, LogBuffer, Logger, NewBatch, NewestBounds, PartedBatch, RangeRead, StoreOutcome, StoredBatch } from '../domain/ports';
import { MAX_READ_BYTES } from '../domain/read-bound';
import { isConditionFailure } from './condition-failure';
import { expiresAt, isExpired } from './expiry';
import { batchKey, batchSk, logPk, partedBatchSkPrefix, partKey, partsPk } from './keys';
import { queryAll, queryPages } from './query-pages';
import { batchObjectKey, INLINE_BATCH_MAX_BYTES, type BatchBodies } from './s3-batch-bodies';
import type { Table } from './table';
import { newestOfEpoch } from '../domain/newest-of-epoch';
import { oldestWithinBytes } from '../domain/oldest-within-bytes';

/** Held parts wait this long for the rest of their batch: the agent sends each next part on the ack of the one before. */
export const PART_TTL_SECONDS = 3600;

/** One Query page at most: DynamoDB stops a page at 1 MB whatever its Limit. */
const MAX_QUERY_LIMIT = 10_000;

export { MAX_READ_BYTES };

/**
 * A history's first page, in items: a full batch holds more lines than a history, so one item,
 * or two, is often all it needs. The next pages are sized by the lines the items so far held.
 */
const FIRST_PAGE_ITEMS = 2;
/** The next page reads this much more than the lines per item so far say it needs: one more page costs a round trip. */
const PAGE_MARGIN = 1.25;

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
    // Newest first, page by page, reading only what the bounds need: a page of `bounds.batches`
    // items would read 1,000 items (up to 1 MB of capacity) where one full batch holds the lines.
    const read: ItemBatch[] = [];
    let items = 0;
    let startKey: Record<string, unknown> | undefined;
    let limit = Math.min(bounds.batches, FIRST_PAGE_ITEMS);
    for (;;) {
      const output = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
          ExpressionAttributeValues: { ':pk': logPk(container), ':batch': 'B#' },
          ScanIndexForward: false,
          // A batch stored just before a subscription must be in its history (see subscribe).
          ConsistentRead: true,
          Limit: Math.max(1, Math.min(limit, MAX_QUERY_LIMIT)),
          ExclusiveStartKey: startKey,
        }),
      );
      const page = (output.Items ?? []) as Item[];
      items += page.length;
      for (const item of page) {
        const batch = itemBatchOf(item, now);
        if (batch) read.push(batch);
      }
      startKey = output.LastEvaluatedKey;
      const held = newestEpochHolds(read);
      if (!startKey || items >= bounds.batches || held.done || held.lines >= bounds.lines || held.bytes > MAX_READ_BYTES) break;
      const linesPerItem = held.lines / Math.max(1, held.batches);
      const wanted = held.lines > 0 ? Math.ceil(((bounds.lines - held.lines) / linesPerItem) * PAGE_MARGIN) + 1 : limit * 4;
      limit = Math.min(wanted, bounds.batches - items);
    }
    return this.withBodies(container, newestOfEpoch(read, bounds.lines, MAX_READ_BYTES, (batch) => batch.bytes));
  }

  async range(container: ContainerRef, epoch: number, afterSeq: number, toSeq: number, maxBytes: number): Promise<RangeRead> {
    if (toSeq <= afterSeq) return { batches: [] };
    const now = this.table.clock.now();
    const found: ItemBatch[] = [];
    let bytes = 0;
    const collect = (items: readonly Item[]) => {
      for (const item of items) {
        const batch = itemBatchOf(item, now);
        if (!batch || batch.lastSeq <= afterSeq || batch.firstSeq > toSeq) continue;
        found.push(batch);
        bytes += batch.bytes;
      }
    };
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
    collect((before.Items ?? []) as Item[]);
    // …and the batches starting inside the range (each holds a seq of it, so there are at most
    // toSeq − afterSeq − 1), page by page until what was found passes the bound.
    if (toSeq > afterSeq + 1) {
      const inside = queryPages(this.table.client, {
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': logPk(container), ':from': batchSk(epoch, afterSeq + 2), ':to': batchSk(epoch, toSeq) },
        ConsistentRead: true,
      });
      for await (const page of inside) {
        collect(page);
        if (bytes > maxBytes) break;
      }
    }
    const { batches, readToSeq } = oldestWithinBytes(found, maxBytes, (batch) => batch.bytes);
    const served = await this.withBodies(container, batches);
    return readToSeq === undefined ? { batches: served } : { batches: served, readToSeq };
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

/** What the newest epoch's batches read so far hold, newest first; `done` once a batch of an older epoch came (nothing after it counts). */
function newestEpochHolds(newestFirst: readonly ItemBatch[]): { batches: number; lines: number; bytes: number; done: boolean } {
  let batches = 0;
  let lines = 0;
  let bytes = 0;
  for (const batch of newestFirst) {
    if (batch.epoch !== newestFirst[0]!.epoch) return { batches, lines, bytes, done: true };
    batches += 1;
    lines += batch.lineCount;
    bytes += batch.bytes;
  }
  return { batches, lines, bytes, done: false };
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
