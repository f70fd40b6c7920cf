/**
 * Large batches' bytes in the local object store, through the whole local cloud: the real
 * handlers, the gateway, dynalite and the S3 stand-in. One cloud for the file (the handlers keep
 * their configuration for the life of the process).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CloudToViewer, LogLine } from '../../../protocol';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud';
import { silentLogger } from '../../../infra/local/logger';
import { LocalMeter } from '../../../infra/local/metering/local-meter';
import { logPk } from '../../../lambdas/adapters/keys';
import { createDocumentClient } from '../../../lambdas/adapters/document-client';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { agentBatch, linesOfPacked, packedOf } from '../../support/packed-batches';
import { Cleanup, openClient, type TestClient } from './gateway-test-kit';

const AGENT_ID = 'bodies-host';
const container = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const T0 = Date.parse('2026-12-01T12:00:00Z');

function linesOf(first: number, last: number, text: (seq: number) => string): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({ seq: first + i, ts: new Date(T0 + (first + i) * 1000).toISOString(), stream: 'stdout', text: text(first + i) }));
}
/** Random text compresses badly: 40 such lines are well over the inline bound. */
const noisy = (seq: number) => `GET /item/${seq} ${randomBytes(300).toString('base64')}`;

let cloud: LocalCloud;
const meter = new LocalMeter();
beforeAll(async () => {
  cloud = await startLocalCloud({ agentId: AGENT_ID, logger: silentLogger, meter });
});
afterAll(() => cloud?.stop());

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const url = (role: string, token: string) => `${cloud.wsUrl}?role=${role}&token=${encodeURIComponent(token)}`;

async function nextOf(client: TestClient, action: string): Promise<Record<string, unknown>> {
  for (;;) {
    const message = JSON.parse(await client.nextMessage()) as Record<string, unknown>;
    if (message.action === action) return message;
  }
}

describe('large batches through the local cloud', () => {
  it('keeps a flood’s batch in the object store and a trickle’s inline, and serves both alike in history and log.fetch', async () => {
    const agent = await openClient(cleanup, url('agent', cloud.agentToken));
    agent.ws.send(JSON.stringify({ action: 'agent.register', hostName: AGENT_ID, agentVersion: 'test', containers: [container] }));
    await nextOf(agent, 'agent.registered');
    const watcher = await openClient(cleanup, url('viewer', cloud.viewerToken));
    watcher.ws.send(JSON.stringify({ action: 'log.subscribe', agentId: AGENT_ID, containerId: 'c1' }));
    await nextOf(watcher, 'log.history');
    const { epoch } = (await nextOf(agent, 'log.stream.start')) as { epoch: number };

    const flood = linesOf(1, 40, noisy);
    const trickle = linesOf(41, 41, (seq) => `line ${seq}`);
    meter.reset();
    agent.ws.send(JSON.stringify(agentBatch('c1', epoch, flood)));
    expect(await nextOf(agent, 'log.ack')).toMatchObject({ seq: 40 });
    agent.ws.send(JSON.stringify(agentBatch('c1', epoch, trickle)));
    expect(await nextOf(agent, 'log.ack')).toMatchObject({ seq: 41 });

    expect(meter.read().objectRequests).toEqual({ PutObject: 1 });
    expect(cloud.objects.usage(cloud.batchBucket)).toMatchObject({ objects: 1 });
    const client = createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region });
    try {
      const { Items } = await client.send(new QueryCommand({ TableName: cloud.store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': logPk({ agentId: AGENT_ID, containerId: 'c1' }) } }));
      expect(Items!.map((item) => [item.firstSeq, typeof item.objectKey, item.data instanceof Uint8Array])).toEqual([
        [1, 'string', false],
        [41, 'undefined', true],
      ]);
    } finally {
      client.destroy();
    }

    const newcomer = await openClient(cleanup, url('viewer', cloud.viewerToken));
    newcomer.ws.send(JSON.stringify({ action: 'log.subscribe', agentId: AGENT_ID, containerId: 'c1' }));
    const history = (await nextOf(newcomer, 'log.history')) as unknown as CloudToViewer;
    newcomer.ws.send(JSON.stringify({ action: 'log.fetch', agentId: AGENT_ID, containerId: 'c1', epoch, afterSeq: 0, toSeq: 41 }));
    const fetched = (await nextOf(newcomer, 'log.fetched')) as unknown as CloudToViewer;

    expect(linesOfPacked(packedOf([history], 'c1'))).toEqual([...flood, ...trickle]);
    expect(linesOfPacked(packedOf([fetched], 'c1'))).toEqual([...flood, ...trickle]);
  });
});
