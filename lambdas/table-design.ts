/**
 * The one DynamoDB table's key schema, shared by the CDK stack and the local store so that
 * both create the same table. What lives under which key is in docs/data-model.md and
 * lambdas/adapters/keys.ts.
 */
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. DynamoDB deletes expired items lazily (hours late): reads filter them too. */
  ttlAttribute: 'expiresAt',
} as const;
