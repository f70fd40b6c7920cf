import { request } from 'node:http';
import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameSizeGuard } from '../../../infra/local/frame-size-guard';
import { Cleanup, gateway, messageOfSize, openClient, RecordingRoutes, sdkClient } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const KB = 1024;

async function setup() {
  const routes = new RecordingRoutes();
  const gw = await gateway(cleanup, { routes: { $connect: routes.handler(), $disconnect: routes.handler(), echo: routes.handler() } });
  const client = await openClient(cleanup, gw.wsUrl, { headers: { 'User-Agent': 'sidetail-viewer' } });
  const { connectionId } = (await routes.connectOf()).requestContext;
  const sdk = sdkClient(cleanup, gw.connectionsEndpoint);
  return { routes, gw, client, connectionId, sdk };
}

/** The rejection of a promise that must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('local gateway: the @connections API through the real SDK client', () => {
  it('PostToConnection delivers the data to the client as one text message', async () => {
    const { client, connectionId, sdk } = await setup();

    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"action":"pong"}' }));

    expect(await client.nextMessage()).toBe('{"action":"pong"}');
  });

  it('PostToConnection delivers a 100 KB message in frames of at most 32 KB, like API Gateway', async () => {
    const { client, connectionId, sdk } = await setup();
    const data = messageOfSize(100 * KB);
    const guard = new FrameSizeGuard({ maxFrameBytes: 32 * KB, maxMessageBytes: 128 * KB });
    const violations: unknown[] = [];
    (client.ws as unknown as { _socket: NodeJS.ReadableStream })._socket.prependListener('data', (chunk: Buffer) => {
      const violation = guard.push(chunk);
      if (violation) violations.push(violation);
    });

    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));

    expect(await client.nextMessage()).toBe(data);
    expect(violations).toEqual([]);
  });

  it('PostToConnection keeps the order of consecutive posts', async () => {
    const { client, connectionId, sdk } = await setup();

    for (const n of [1, 2, 3]) await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `m${n}` }));

    expect([await client.nextMessage(), await client.nextMessage(), await client.nextMessage()]).toEqual(['m1', 'm2', 'm3']);
  });

  it('PostToConnection above 128 KB fails with PayloadTooLargeException (413) and sends nothing', async () => {
    const { client, connectionId, sdk } = await setup();

    const err = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x'.repeat(128 * KB + 1) })));

    expect(err).toBeInstanceOf(PayloadTooLargeException);
    expect((err as PayloadTooLargeException).$metadata.httpStatusCode).toBe(413);
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'after' }));
    expect(await client.nextMessage()).toBe('after');
  });

  it.each([
    ['an id that never existed', () => 'AAAAAAAAAAAAAAA='],
    ['an id with characters that need escaping', () => 'a/b?c=d'],
  ])('PostToConnection to %s fails with GoneException (410)', async (_case, id) => {
    const { sdk } = await setup();

    const err = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: id(), Data: 'x' })));

    expect(err).toBeInstanceOf(GoneException);
    expect((err as GoneException).$metadata.httpStatusCode).toBe(410);
  });

  it('PostToConnection to a client that disconnected fails with GoneException (410)', async () => {
    const { client, connectionId, sdk, routes } = await setup();
    client.ws.close(1000);
    await routes.disconnectOf(connectionId);

    const err = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })));

    expect(err).toBeInstanceOf(GoneException);
  });

  it('PostToConnection from inside $connect fails with GoneException: the connection is not established yet', async () => {
    const outcome: unknown[] = [];
    const gw = await gateway(cleanup, { routes: {} });
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);
    gw.setRoutes({
      $connect: async (event) => {
        outcome.push(await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: 'early' }))));
        return { statusCode: 200 };
      },
    });

    await openClient(cleanup, gw.wsUrl);

    expect(outcome[0]).toBeInstanceOf(GoneException);
  });

  it('GetConnection reports when the client connected, its address and user agent, and its last activity', async () => {
    const { client, connectionId, sdk, routes } = await setup();
    const connectedAt = (await routes.connectOf()).requestContext.connectedAt;
    client.ws.send('{"action":"echo"}');
    await routes.next((e) => e.requestContext.routeKey === 'echo');

    const info = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));

    expect(info.ConnectedAt?.getTime()).toBe(connectedAt);
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'sidetail-viewer' });
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(connectedAt);
  });

  it('GetConnection on an unknown id fails with GoneException', async () => {
    const { sdk } = await setup();

    expect(await rejection(sdk.send(new GetConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=' })))).toBeInstanceOf(GoneException);
  });

  it('DeleteConnection closes the client with 1000 and fires $disconnect once; a second delete is Gone', async () => {
    const { client, connectionId, sdk, routes, gw } = await setup();

    await sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));

    expect((await client.closed).code).toBe(1000);
    const disconnect = await routes.disconnectOf(connectionId);
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1000, disconnectReason: 'Connection Closed Normally' });
    expect(await rejection(sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId })))).toBeInstanceOf(GoneException);
    expect(routes.of('$disconnect')).toHaveLength(1);
    expect(gw.connectionCount()).toBe(0);
  });

  it('answers 410 with x-amzn-ErrorType GoneException over plain HTTP, and accepts "%40connections"', async () => {
    const { gw } = await setup();

    const response = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = request(`${gw.connectionsEndpoint}/%40connections/${encodeURIComponent('AAAAAAAAAAAAAAA=')}`, { method: 'POST' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, type: res.headers['x-amzn-errortype'] as string | undefined });
      });
      req.on('error', reject);
      req.end('data');
    });

    expect(response).toEqual({ status: 410, type: 'GoneException' });
  });
});
