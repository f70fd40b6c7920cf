import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalGateway } from '../../../infra/local/gateway';
import { silentLogger } from '../../../infra/local/logger';
import { Cleanup, gateway, openClient, RecordingRoutes, sdkClient } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local gateway: idle timeout and maximum connection duration', () => {
  it('closes an idle connection with 1001 "Going away" and reports it to $disconnect', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { idleTimeoutMs: 150, routes: { $connect: routes.handler(), $disconnect: routes.handler() } });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    const disconnect = await routes.disconnectOf(connectionId);
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
    expect(gw.connectionCount()).toBe(0);
  });

  it.each([
    ['a client message', 'client'],
    ['a message posted to the client', 'server'],
  ])('restarts the idle clock on %s', async (_case, direction) => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { idleTimeoutMs: 3_000, routes: { $connect: routes.handler(), ping: routes.handler() } });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    // 1.8 + 1.8 s: past the 3 s timeout in total, never 3 s without a message (wide margins,
    // since a loaded CI machine can stall the event loop for hundreds of milliseconds).
    for (let i = 0; i < 2; i++) {
      await sleep(1_800);
      if (direction === 'client') client.ws.send('{"action":"ping"}');
      else await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'keep-alive' }));
    }
    await sleep(100);

    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await client.closed).code).toBe(1001);
  });

  it('closes a connection at its maximum duration however active it is', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { maxDurationMs: 300, routes: { $connect: routes.handler(), $disconnect: routes.handler(), ping: routes.handler() } });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;
    const keepAlive = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.send('{"action":"ping"}'), 50);
    cleanup.add(() => clearInterval(keepAlive));

    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect((await routes.disconnectOf(connectionId)).requestContext.disconnectStatusCode).toBe(1001);
    expect(routes.of('ping').length).toBeGreaterThan(0);
  });
});

describe('local gateway: stopping', () => {
  it('closes every client with 1001, runs $disconnect for each and waits for running handlers', async () => {
    const routes = new RecordingRoutes();
    const finished: string[] = [];
    const gw = await startLocalGateway({
      logger: silentLogger,
      routes: {
        $connect: routes.handler(),
        $disconnect: routes.handler(async (event) => {
          await sleep(50);
          finished.push(event.requestContext.connectionId);
          return { statusCode: 200 };
        }),
      },
    });
    const clients = await Promise.all([1, 2].map(() => openClient(cleanup, gw.wsUrl)));

    await gw.stop();

    expect(await Promise.all(clients.map((c) => c.closed))).toEqual([
      { code: 1001, reason: 'Going away' },
      { code: 1001, reason: 'Going away' },
    ]);
    expect(finished).toHaveLength(2);
    expect(gw.connectionCount()).toBe(0);
  });

  it('refuses new connections once stopped and frees the port', async () => {
    const gw = await startLocalGateway({ logger: silentLogger, routes: {} });

    await gw.stop();
    const again = await startLocalGateway({ logger: silentLogger, port: gw.port, routes: {} });
    await again.stop();

    expect(again.port).toBe(gw.port);
  });

  it('fails to start with PortInUseError when the port is taken', async () => {
    const first = await gateway(cleanup, { routes: {} });

    await expect(startLocalGateway({ logger: silentLogger, port: first.port, routes: {} })).rejects.toMatchObject({
      name: 'PortInUseError',
      port: first.port,
    });
  });
});
