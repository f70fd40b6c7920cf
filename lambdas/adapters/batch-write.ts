/**
 * BatchWriteItem in chunks of 25, retrying what DynamoDB hands back as unprocessed (throttling
 * returns items, not an error) with exponential backoff.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** DynamoDB's BatchWriteItem maximum. */
const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 8;
const FIRST_BACKOFF_MS = 25;

export class UnprocessedWritesError extends Error {
  override readonly name = 'UnprocessedWritesError';
  constructor(readonly unprocessed: number) {
    super(`${unprocessed} writes still unprocessed after ${MAX_ATTEMPTS} attempts`);
  }
}

export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_SIZE) {
    await writeChunk(client, tableName, requests.slice(i, i + BATCH_SIZE));
  }
}

async function writeChunk(client: DynamoDBDocumentClient, tableName: string, chunk: WriteRequest[]): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new UnprocessedWritesError(pending.length);
    if (attempt > 1) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 2));
    const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
    pending = (output.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
