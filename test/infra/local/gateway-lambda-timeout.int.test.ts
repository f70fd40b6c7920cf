/**
 * The stack's Lambda timeout, enforced by the local gateway: a handler past its deadline fails like
 * a killed Lambda — the client gets API Gateway's "Internal server error" frame and the invocation
 * makes no further calls to DynamoDB or the @connections API.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalStore } from '../../../infra/local/store';
import { createDocumentClient } from '../../../lambdas/adapters/document-client';
import { ManagementApiClients } from '../../../lambdas/adapters/management-api-clients';
import { LAMBDA_TIMEOUT_MS } from '../../../lambdas/lambda-limits';
import type { LambdaContext, WebSocketHandler } from '../../../lambdas/handlers/websocket-event';
import { Cleanup, deferred, gateway, openClient, RecordingRoutes, refusedStatus } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ERROR_FRAME = /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

function managementClients(): ManagementApiClients {
  const clients = new ManagementApiClients({ local: true });
  cleanup.add(() => clients.destroy());
  return clients;
}

describe('local gateway: the Lambda timeout', () => {
  it('stops an invocation at the timeout: the client gets "Internal server error" and nothing the handler posts later', async () => {
    const clients = managementClients();
    const late = deferred<unknown>();
    let endpoint = '';
    const slow: WebSocketHandler = async (event) => {
      const post = (data: string) =>
        clients.clientFor(endpoint).send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: data }));
      await post('early');
      await sleep(300);
      await post('late').then(
        () => late.resolve('delivered'),
        (err: unknown) => late.resolve(err),
      );
      return { statusCode: 200 };
    };
    const gw = await gateway(cleanup, { routes: { slow }, lambdaTimeoutMs: 150 });
    endpoint = gw.connectionsEndpoint;
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send('{"action":"slow"}');

    expect(await client.nextMessage()).toBe('early');
    expect(await client.nextMessage()).toMatch(ERROR_FRAME);
    expect(await late.promise).toMatchObject({ name: 'InvocationDeadlineExceededError' });
    await sleep(50);
    client.ws.send('{"action":"nothing-routes-this"}');
    expect(await client.nextMessage()).toMatch(/^\{"message": "Forbidden"/);
  });

  it('lets a timed-out invocation write nothing more to DynamoDB', async () => {
    const store = await startLocalStore();
    cleanup.add(() => store.stop());
    const db = createDocumentClient({ endpoint: store.endpoint, region: store.region });
    cleanup.add(() => db.destroy());
    const written = deferred<unknown>();
    const slow: WebSocketHandler = async () => {
      await db.send(new PutCommand({ TableName: store.tableName, Item: { pk: 'T', sk: 'early' } }));
      await sleep(300);
      await db.send(new PutCommand({ TableName: store.tableName, Item: { pk: 'T', sk: 'late' } })).then(
        () => written.resolve('written'),
        (err: unknown) => written.resolve(err),
      );
      return { statusCode: 200 };
    };
    const gw = await gateway(cleanup, { routes: { slow }, lambdaTimeoutMs: 150 });
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send('{"action":"slow"}');

    expect(await client.nextMessage()).toMatch(ERROR_FRAME);
    expect(await written.promise).toMatchObject({ name: 'InvocationDeadlineExceededError' });
    const get = (sk: string) => db.send(new GetCommand({ TableName: store.tableName, Key: { pk: 'T', sk } }));
    expect((await get('early')).Item).toBeDefined();
    expect((await get('late')).Item).toBeUndefined();
  });

  it('leaves an invocation that finishes in time alone, and its clients work afterwards too', async () => {
    const clients = managementClients();
    let endpoint = '';
    const quick: WebSocketHandler = async (event) => {
      await sleep(20);
      await clients.clientFor(endpoint).send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: 'done' }));
      return { statusCode: 200 };
    };
    const gw = await gateway(cleanup, { routes: { quick }, lambdaTimeoutMs: 500 });
    endpoint = gw.connectionsEndpoint;
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send('{"action":"quick"}');
    client.ws.send('{"action":"quick"}');

    expect([await client.nextMessage(), await client.nextMessage()]).toEqual(['done', 'done']);
  });

  it('passes each invocation a Lambda-like context: its own request id and the time it has left, from the stack\'s timeout', async () => {
    const contexts: { awsRequestId: string; remaining: number }[] = [];
    const routes = new RecordingRoutes();
    const record: WebSocketHandler = async (event, context?: LambdaContext) => {
      contexts.push({ awsRequestId: context!.awsRequestId, remaining: context!.getRemainingTimeInMillis() });
      return routes.handler()(event);
    };
    const gw = await gateway(cleanup, { routes: { $connect: record, echo: record } });
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send('{"action":"echo"}');
    await routes.next((e) => e.requestContext.routeKey === 'echo');

    expect(contexts).toHaveLength(2);
    expect(new Set(contexts.map((c) => c.awsRequestId)).size).toBe(2);
    for (const { remaining } of contexts) {
      expect(remaining).toBeLessThanOrEqual(LAMBDA_TIMEOUT_MS);
      expect(remaining).toBeGreaterThan(LAMBDA_TIMEOUT_MS - 1_000);
    }
  });

  it('refuses the handshake with 502 when $connect times out, as for a $connect Lambda error', async () => {
    const gw = await gateway(cleanup, {
      routes: {
        $connect: async () => {
          await sleep(300);
          return { statusCode: 200 };
        },
      },
      lambdaTimeoutMs: 100,
    });

    expect(await refusedStatus(cleanup, gw.wsUrl)).toBe(502);
  });
});
