/**
 * What storing a GB of logs in the buffer costs, with large batches' bytes in S3 against the same
 * batches kept whole in DynamoDB: realistic generated logs (realistic-logs.ts) packed as a flood's
 * batches are — each as large as one log.batch message carries, ~72 KB compressed — stored
 * through DynamoLogBuffer on dynalite (capacity as ReturnConsumedCapacity reports it, through the
 * metering proxy) and the local object store (requests counted), priced with aws-prices.ts. Only
 * the buffer's own calls: the overlap check, the item, the object. Per GB of the lines' text.
 *
 * Runs alone with `npm run bench -- batch-storage`.
 */
import { DynamoLogBuffer } from '../lambdas/adapters/dynamo-log-buffer';
import { createDocumentClient } from '../lambdas/adapters/document-client';
import { S3BatchBodies } from '../lambdas/adapters/s3-batch-bodies';
import { createS3Client } from '../lambdas/adapters/s3-client';
import { checkPackedBatch } from '../lambdas/domain/check-packed-batch';
import { startCapacityProxy } from '../infra/local/metering/dynamodb-capacity-proxy';
import { LocalMeter } from '../infra/local/metering/local-meter';
import { startLocalObjectStore } from '../infra/local/object-store';
import { startLocalStore } from '../infra/local/store';
import { MAX_BATCH_BYTES, MAX_BATCH_LINES, type LogLine } from '../protocol';
import { compressLines, packedBytes } from '../protocol/packed-zlib';
import { priceReading } from './aws-prices';
import type { BenchRow } from './bench-table';
import { generateLogs } from './realistic-logs';

const MB = 1_000_000;
const TEXT_BYTES = Number(process.env.SIDETAIL_BENCH_STORAGE_MB ?? 20) * MB;
/** A flood's batch: as many lines as one message's base64 `data` carries. */
const MAX_COMPRESSED = Math.floor((MAX_BATCH_BYTES * 0.95) / 4) * 3;
const BUCKET = 'bench-batches';
const SEED = 9;

interface Packed {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly data: Buffer;
}

export async function benchBatchStorage(): Promise<BenchRow[]> {
  const logs = generateLogs({ seed: SEED, targetBytes: TEXT_BYTES });
  const batches = floodBatches(logs.output);
  const gb = logs.textBytes / 1e9;
  const meanKb = batches.reduce((sum, b) => sum + b.data.length, 0) / batches.length / 1024;
  console.log(`BENCH batch_storage_batches ${batches.length} batches`);
  console.log(`BENCH batch_storage_compressed_kb_per_batch ${meanKb.toFixed(1)} KB`);
  console.log(`BENCH batch_storage_compression_ratio ${(logs.textBytes / batches.reduce((sum, b) => sum + b.data.length, 0)).toFixed(2)} x`);

  const inline = await storeAll(batches, false);
  const s3 = await storeAll(batches, true);
  for (const [name, usd] of [['inline', inline], ['s3', s3]] as const) {
    console.log(`BENCH buffer_usd_per_gb_${name} ${(usd.total / gb).toFixed(4)} usd/GB`);
    console.log(`BENCH buffer_usd_per_gb_${name}_dynamodb ${(usd.dynamodb / gb).toFixed(4)} usd/GB`);
    console.log(`BENCH buffer_usd_per_gb_${name}_s3 ${(usd.s3 / gb).toFixed(4)} usd/GB`);
  }
  return [
    {
      bench: `storing ${(logs.textBytes / MB).toFixed(0)} MB of realistic logs in ${batches.length} flood batches (~${meanKb.toFixed(0)} KB compressed), bytes in S3 (baseline: all in DynamoDB)`,
      measure: 'usd per GB of log text',
      subject: s3.total / gb,
      baseline: inline.total / gb,
    },
  ];
}

/** The lines packed greedily into batches of at most MAX_COMPRESSED compressed bytes. */
function floodBatches(output: Buffer): Packed[] {
  const texts = output.toString('utf8').split('\n');
  if (texts[texts.length - 1] === '') texts.pop();
  const start = Date.parse('2026-12-01T14:00:00Z');
  const lines: LogLine[] = texts.map((text, i) => ({ seq: i + 1, ts: new Date(start + i).toISOString(), stream: 'stdout', text }));
  const batches: Packed[] = [];
  let at = 0;
  let take = 1000;
  while (at < lines.length) {
    take = Math.max(1, Math.min(take, MAX_BATCH_LINES, lines.length - at));
    let packed = compressLines(lines.slice(at, at + take));
    // Too large: fewer lines, in proportion, until it fits.
    while (packedBytes(packed.data).length > MAX_COMPRESSED && take > 1) {
      take = Math.max(1, Math.floor((take * MAX_COMPRESSED) / packedBytes(packed.data).length * 0.97));
      packed = compressLines(lines.slice(at, at + take));
    }
    const data = packedBytes(packed.data);
    batches.push({ firstSeq: packed.firstSeq, lastSeq: packed.lastSeq, data });
    at += take;
    // The next batch starts from what would have filled this one.
    take = Math.max(1, Math.floor((take * MAX_COMPRESSED) / data.length * 0.97));
  }
  return batches;
}

async function storeAll(batches: readonly Packed[], withS3: boolean): Promise<ReturnType<typeof priceReading>> {
  const meter = new LocalMeter();
  const store = await startLocalStore({ ttl: false });
  const proxy = await startCapacityProxy(store.endpoint, meter);
  const objects = await startLocalObjectStore({ buckets: [BUCKET], meter, lifecycle: false });
  const client = createDocumentClient({ endpoint: proxy.endpoint, region: store.region });
  const s3 = createS3Client({ endpoint: objects.endpoint, region: objects.region });
  try {
    const buffer = new DynamoLogBuffer({ client, tableName: store.tableName, clock: Date }, 86_400, withS3 ? { bodies: new S3BatchBodies(s3, BUCKET) } : {});
    const container = { agentId: 'bench-host', containerId: withS3 ? 's3' : 'inline' };
    const epoch = Date.now();
    for (const batch of batches) {
      const { digest } = checkPackedBatch({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq }, batch.data);
      const outcome = await buffer.put(container, { epoch, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, lineCount: batch.lastSeq - batch.firstSeq + 1, data: batch.data, digest });
      if (outcome.kind !== 'stored') throw new Error(`batch ${batch.firstSeq}–${batch.lastSeq} was not stored: ${outcome.kind}`);
    }
    return priceReading(meter.read());
  } finally {
    s3.destroy();
    client.destroy();
    await objects.stop();
    await proxy.stop();
    await store.stop();
  }
}
