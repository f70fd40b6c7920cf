/**
 * What a LocalMeter reading (infra/local/metering/local-meter.ts) would cost on AWS. One table of
 * prices, us-east-1 list prices as of December 2026, no free tier:
 *   - DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request
 *     units (https://aws.amazon.com/dynamodb/pricing/on-demand/). A WRU is 1 KB written; an RRU
 *     is 4 KB read strongly consistent, or 8 KB eventually consistent — the meter already has
 *     units, as DynamoDB reports them in ConsumedCapacity. TTL deletions are free.
 *   - API Gateway WebSocket APIs: $1.00 per million messages, metered in 32 KB increments, both
 *     directions; $0.25 per million connection minutes (https://aws.amazon.com/api-gateway/pricing/).
 *   - Lambda on arm64: $0.20 per million requests, $0.0000133334 per GB-second, billed per ms
 *     (https://aws.amazon.com/lambda/pricing/). Every function has the house function's memory,
 *     256 MB (infra/constructs/house-function.ts `memorySize` default; the stack sets no other).
 *   - S3 Standard requests: $0.005 per 1,000 PUT, COPY, POST and LIST; $0.0004 per 1,000 GET and
 *     all other requests (HEAD); DELETE free (https://aws.amazon.com/s3/pricing/). Storage is left
 *     out: $0.023 per GB-month, and a large batch's object lives at most 2 days (the lifecycle
 *     rule) — a GB of logs compressed ~5× held 2 days is ~$0.0003, a hundredth of a cent.
 * Lambda durations measured locally are the handlers' wall time in one shared Node process, a
 * rough stand-in for their time on Graviton; the other figures are counts and need no such caveat.
 */
import { totalInvocations, totalMessages, type MeterReading } from '../infra/local/metering/local-meter';

export const AWS_PRICES = {
  dynamodbPerWriteUnit: 0.625 / 1e6,
  dynamodbPerReadUnit: 0.125 / 1e6,
  apigwPerMessageUnit: 1.0 / 1e6,
  apigwPerConnectionMinute: 0.25 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: 0.0000133334,
  s3PerPutRequest: 0.005 / 1000,
  s3PerGetRequest: 0.0004 / 1000,
} as const;

/** S3 operations billed at the PUT tier; DeleteObject is free; every other is billed as a GET. */
const S3_PUT_TIER = new Set(['PutObject', 'CopyObject', 'PostObject', 'ListObjects', 'ListObjectsV2', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']);
const S3_FREE = new Set(['DeleteObject', 'DeleteObjects']);

/** The memory of every Sidetail function (infra/constructs/house-function.ts). */
export const LAMBDA_MEMORY_MB = 256;

export interface UsdBreakdown {
  readonly dynamodb: number;
  readonly apigw: number;
  readonly lambda: number;
  readonly s3: number;
  readonly total: number;
}

export function priceReading(reading: MeterReading, memoryMb = LAMBDA_MEMORY_MB): UsdBreakdown {
  const dynamodb = reading.writeUnits * AWS_PRICES.dynamodbPerWriteUnit + reading.readUnits * AWS_PRICES.dynamodbPerReadUnit;
  const apigw = totalMessages(reading).units * AWS_PRICES.apigwPerMessageUnit + reading.connectionMinutes * AWS_PRICES.apigwPerConnectionMinute;
  const invocations = totalInvocations(reading);
  const lambda = invocations.count * AWS_PRICES.lambdaPerRequest + (invocations.billedMs / 1000) * (memoryMb / 1024) * AWS_PRICES.lambdaPerGbSecond;
  let s3 = 0;
  for (const [operation, count] of Object.entries(reading.objectRequests)) {
    if (S3_FREE.has(operation)) continue;
    s3 += count * (S3_PUT_TIER.has(operation) ? AWS_PRICES.s3PerPutRequest : AWS_PRICES.s3PerGetRequest);
  }
  return { dynamodb, apigw, lambda, s3, total: dynamodb + apigw + lambda + s3 };
}
