/** Query, page by page, following LastEvaluatedKey until the partition (or the caller) is done. */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/**
 * `pageSizes` sets each page's Limit in turn (the last one repeats), so a reader that usually
 * needs one item starts small and a long read still takes few round trips. Without it, pages are
 * as big as DynamoDB allows (1 MB).
 */
export async function* queryPages(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  pageSizes: readonly number[] = [],
): AsyncGenerator<Item[]> {
  let startKey: Record<string, unknown> | undefined;
  let page = 0;
  do {
    const limit = pageSizes[Math.min(page, pageSizes.length - 1)];
    const output = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey, Limit: limit }));
    page++;
    yield (output.Items ?? []) as Item[];
    startKey = output.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of the query, all pages. */
export async function queryAll(client: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(client, input)) items.push(...page);
  return items;
}
