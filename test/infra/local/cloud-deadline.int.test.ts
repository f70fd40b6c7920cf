/**
 * The real handlers, as the local cloud loads them, honour the invocation deadline the local
 * gateway runs them under: their DynamoDB client refuses every request once it has passed, so a
 * timed-out invocation leaves nothing behind — as a Lambda stopped at its timeout.
 * (One cloud per file: the handlers keep one configuration per process.)
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud';
import { loadHandlers } from '../../../infra/local/load-handlers';
import { silentLogger } from '../../../infra/local/logger';
import type { GatewayRoutes } from '../../../infra/local/gateway';
import { createDocumentClient } from '../../../lambdas/adapters/document-client';
import { runUntilDeadline } from '../../../lambdas/adapters/local-invocation-deadline';
import { connectEvent } from '../../lambdas/handlers/events';

let cloud: LocalCloud;
let routes: GatewayRoutes;
beforeAll(async () => {
  cloud = await startLocalCloud({ logger: silentLogger });
  // The same modules the gateway runs (imports are cached), with the same environment.
  routes = await loadHandlers({
    TABLE_NAME: cloud.store.tableName,
    DYNAMODB_ENDPOINT: cloud.store.endpoint,
    CONNECTIONS_ENDPOINT: cloud.connectionsEndpoint,
    BATCH_BUCKET: cloud.batchBucket,
    S3_ENDPOINT: cloud.objects.endpoint,
    AWS_REGION: cloud.store.region,
  });
});
afterAll(() => cloud?.stop());

/** What the authorizer proved for the cloud's own viewer credential (`<credentialId>.<secret>`). */
const viewer = () => ({ credentialId: cloud.viewerToken.split('.')[0]!, role: 'viewer' as const });

async function itemsFor(connectionId: string): Promise<unknown[]> {
  const db = createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region });
  try {
    const { Items = [] } = await db.send(new ScanCommand({ TableName: cloud.store.tableName }));
    return Items.filter((item) => JSON.stringify(item).includes(connectionId));
  } finally {
    db.destroy();
  }
}

describe('local cloud: the real handlers under an invocation deadline', () => {
  it('write the connection when $connect runs before its deadline', async () => {
    const result = await runUntilDeadline(Date.now() + 5_000, () =>
      routes.$connect!(connectEvent('in-time', viewer())),
    );

    expect(result.statusCode).toBe(200);
    expect(await itemsFor('in-time')).not.toEqual([]);
  });

  it('write nothing when $connect runs past its deadline: the DynamoDB client refuses the request', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
    try {
      const result = await runUntilDeadline(Date.now() - 1, () =>
        routes.$connect!(connectEvent('too-late', viewer())),
      );

      expect(result.statusCode).toBe(500);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toContain('InvocationDeadlineExceededError');
    expect(await itemsFor('too-late')).toEqual([]);
  });
});
