/**
 * What must hold in the table whatever clients sent: checked over a full Scan (fine for a test
 * store; the product itself never scans). Each violation is one human-readable line.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decompressLines } from '../../protocol/packed-zlib';

/** DynamoDB refuses items above 400 KB; anything near it means an input was not bounded. */
const ITEM_SIZE_ALARM_BYTES = 300 * 1024;

export type Item = Record<string, unknown> & { pk: string; sk: string };

export async function scanAll(client: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A live subscription item, not the marker an unsubscribe leaves (docs/data-model.md). */
function isSubscription(item: Item): boolean {
  return item.state !== 'unsubscribed';
}

export function storeViolations(items: readonly Item[]): string[] {
  const violations: string[] = [];
  const keys = new Set(items.filter(isSubscription).map((item) => `${item.pk}|${item.sk}`));

  for (const item of items) {
    const bytes = itemBytes(item);
    if (bytes > ITEM_SIZE_ALARM_BYTES) violations.push(`${item.pk} / ${item.sk} is ${bytes} bytes`);

    // A held part of a batch sent in parts waits an hour at most.
    if (item.pk.startsWith('PART#') && typeof item.expiresAt !== 'number') violations.push(`part ${item.pk} / ${item.sk} never expires`);

    // A host's container item holds its observation time and its info, or is a tombstone that expires.
    if (item.pk.startsWith('HOST#')) {
      if (typeof item.observedAt !== 'number') violations.push(`container ${item.pk} / ${item.sk} has no observedAt`);
      if (item.info === undefined && typeof item.expiresAt !== 'number') violations.push(`tombstone ${item.pk} / ${item.sk} never expires`);
    }

    // Every container-side subscriber item has the connection-side item clean-up walks.
    if (item.pk.startsWith('SUBS#') && isSubscription(item)) {
      const container = item.pk.slice('SUBS#'.length);
      const reverse = `${item.sk}|SUB#${container}`;
      if (!keys.has(reverse)) violations.push(`subscriber ${item.pk} / ${item.sk} has no reverse item`);
    }
  }

  violations.push(...bufferViolations(items));
  return violations;
}

/** About an item's stored size: binary attributes by their bytes (JSON would spell each byte out). */
function itemBytes(item: Item): number {
  return Buffer.byteLength(JSON.stringify(item, (_key, value: unknown) => (value instanceof Uint8Array ? 'x'.repeat(value.byteLength) : value)));
}

/**
 * Stored batches of one container hold contiguous seqs and never overlap another batch; each one's
 * bytes inflate (within the bound) to valid packed lines numbering exactly its seqs, and it expires.
 */
function bufferViolations(items: readonly Item[]): string[] {
  const violations: string[] = [];
  const byContainer = new Map<string, Item[]>();
  for (const item of items) {
    if (!item.pk.startsWith('LOG#')) continue;
    byContainer.set(item.pk, [...(byContainer.get(item.pk) ?? []), item]);
  }
  for (const [pk, batches] of byContainer) {
    for (const batch of batches) {
      if (typeof batch.expiresAt !== 'number') violations.push(`${pk} / ${batch.sk} never expires`);
      // A flood's batch keeps its bytes in the batch bucket, named by its item.
      if (typeof batch.objectKey === 'string' && batch.data === undefined) continue;
      if (!(batch.data instanceof Uint8Array)) {
        violations.push(`${pk} / ${batch.sk} holds no compressed lines, nor the key of an object holding them`);
        continue;
      }
      const unpacked = decompressLines(batch.data);
      if (!unpacked.ok) violations.push(`${pk} / ${batch.sk} does not inflate to packed lines: ${unpacked.reason}`);
      else if (unpacked.lines[0]!.seq !== batch.firstSeq || unpacked.lines.at(-1)!.seq !== batch.lastSeq || unpacked.lines.length !== batch.lineCount) {
        violations.push(`${pk} / ${batch.sk} claims ${batch.firstSeq}..${batch.lastSeq} (${batch.lineCount} lines) but holds ${unpacked.lines[0]!.seq}..${unpacked.lines.at(-1)!.seq}`);
      }
    }
    const ranges = batches
      .map((batch) => ({ sk: batch.sk, first: batch.firstSeq as number, last: batch.lastSeq as number, epoch: String(batch.epoch ?? '') }))
      .sort((a, b) => a.epoch.localeCompare(b.epoch) || a.first - b.first);
    for (const [i, range] of ranges.entries()) {
      if (!(Number.isSafeInteger(range.first) && Number.isSafeInteger(range.last) && range.first <= range.last)) {
        violations.push(`${pk} / ${range.sk} has seqs ${range.first}..${range.last}`);
      }
      const previous = ranges[i - 1];
      if (previous && previous.epoch === range.epoch && previous.last >= range.first) {
        violations.push(`${pk}: batch ${previous.sk} (${previous.first}..${previous.last}) overlaps ${range.sk} (${range.first}..${range.last})`);
      }
    }
  }
  return violations;
}
