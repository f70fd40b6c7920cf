/**
 * The local gateway's AWS-like mode (`chaos`): what API Gateway and Lambda do under load that a
 * calm local process does not, and that naive code breaks on.
 */
import { ApiGatewayManagementApiClient, LimitExceededException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayChaosOptions } from '../../../infra/local/gateway-chaos';
import { Cleanup, gateway, openClient, RecordingRoutes, sdkClient } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The order in which the handler saw two messages sent back-to-back on one connection. */
async function handlerOrder(chaos: GatewayChaosOptions | undefined): Promise<string> {
  const routes = new RecordingRoutes();
  const gw = await gateway(cleanup, { routes: { echo: routes.handler() }, ...(chaos ? { chaos } : {}) });
  const client = await openClient(cleanup, gw.wsUrl);

  client.ws.send('{"action":"echo","n":"first"}');
  client.ws.send('{"action":"echo","n":"second"}');
  await routes.next((e) => e.body!.includes('first'));
  await routes.next((e) => e.body!.includes('second'));

  const order = routes.of('echo').map((e) => (JSON.parse(e.body!) as { n: string }).n).join(',');
  await cleanup.run();
  return order;
}

/** Rejections, for the faults the SDK must see. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

async function connected(options: Parameters<typeof gateway>[1]) {
  const routes = new RecordingRoutes();
  const gw = await gateway(cleanup, { routes: { $connect: routes.handler(), $disconnect: routes.handler() }, ...options });
  const client = await openClient(cleanup, gw.wsUrl);
  const { connectionId } = (await routes.connectOf()).requestContext;
  return { routes, gw, client, connectionId };
}

describe('local gateway, AWS-like mode: random invocation delays', () => {
  it('runs two messages sent back-to-back on one connection in either order, depending on the seed', async () => {
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) orders.add(await handlerOrder({ invocationDelayMs: { max: 40 }, seed }));

    expect([...orders].sort()).toEqual(['first,second', 'second,first']);
  });

  it('runs them in arrival order when calm', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 4; i++) orders.add(await handlerOrder(undefined));

    expect([...orders]).toEqual(['first,second']);
  });

  it('reports the seed it used, so the run can be replayed', async () => {
    const chosen = await gateway(cleanup, { chaos: { invocationDelayMs: { max: 5 } } });
    const given = await gateway(cleanup, { chaos: { invocationDelayMs: { max: 5 }, seed: 1234 } });

    expect(Number.isSafeInteger(chosen.chaosSeed)).toBe(true);
    expect(given.chaosSeed).toBe(1234);
  });
});

describe('local gateway, AWS-like mode: $disconnect is best effort', () => {
  it('never delivers $disconnect when the drop rate is 1, although the connection is gone', async () => {
    const { routes, gw, client } = await connected({ chaos: { disconnectDropRate: 1 } });

    client.ws.close(1000, 'bye');
    await client.closed;
    await sleep(100);

    expect(gw.connectionCount()).toBe(0);
    expect(routes.of('$disconnect')).toEqual([]);
  });

  it('drops some and delivers the others at a fraction in between', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: { $connect: routes.handler(), $disconnect: routes.handler() },
      chaos: { disconnectDropRate: 0.5, seed: 99 },
    });

    for (let i = 0; i < 12; i++) {
      const client = await openClient(cleanup, gw.wsUrl);
      client.ws.close(1000);
      await client.closed;
    }
    await sleep(100);

    expect(routes.of('$connect')).toHaveLength(12);
    expect(routes.of('$disconnect').length).toBeGreaterThan(0);
    expect(routes.of('$disconnect').length).toBeLessThan(12);
  });
});

describe('local gateway, AWS-like mode: @connections faults and latency', () => {
  it('answers a throttled PostToConnection with 429 LimitExceededException, which the SDK throws, and delivers nothing', async () => {
    const { gw, client, connectionId } = await connected({ chaos: { postFaults: { throttledRate: 1 } } });
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    const error = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'lost' })));

    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 429 } });
    client.ws.send('{"action":"nothing-routes-this"}'); // the next frame the client gets is the gateway's own
    expect(await client.nextMessage()).toMatch(/^\{"message": "Forbidden"/);
  });

  it('answers a failed PostToConnection with 500, which the SDK throws, and delivers nothing', async () => {
    const { gw, client, connectionId } = await connected({ chaos: { postFaults: { errorRate: 1 } } });
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    const error = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'lost' })));

    expect(error).toMatchObject({ name: 'InternalServerErrorException', $metadata: { httpStatusCode: 500 } });
    client.ws.send('{"action":"nothing-routes-this"}');
    expect(await client.nextMessage()).toMatch(/^\{"message": "Forbidden"/);
  });

  it.each([
    ['a throttled post (429)', { throttledRate: 1 }, 429],
    ['a failed post (500)', { errorRate: 1 }, 500],
  ])('lets the SDK classify %s as retryable, as on AWS: its default strategy tries 3 times', async (_case, postFaults, status) => {
    const { gw, connectionId } = await connected({ chaos: { postFaults } });
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: gw.connectionsEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanup.add(() => sdk.destroy());

    const error = await rejection(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'lost' })));

    expect(error).toMatchObject({ $metadata: { httpStatusCode: status, attempts: 3 } });
  });

  it('fails a seeded fraction of posts and delivers the rest', async () => {
    const { gw, client, connectionId } = await connected({ chaos: { postFaults: { throttledRate: 0.3, errorRate: 0.2 }, seed: 5 } });
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `m${i}` })).then(
          () => 200,
          (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
        ),
      ),
    );
    const delivered = outcomes.filter((status) => status === 200).length;
    const received = await Promise.all(Array.from({ length: delivered }, () => client.nextMessage()));

    expect(new Set(outcomes)).toEqual(new Set([200, 429, 500]));
    expect(received).toHaveLength(delivered);
  });

  it('adds the fixed per-post delay to every PostToConnection', async () => {
    const { gw, client, connectionId } = await connected({ postToConnectionDelayMs: 60 });
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    const started = performance.now();
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'slow' }));
    const took = performance.now() - started;

    expect(took).toBeGreaterThanOrEqual(58);
    expect(await client.nextMessage()).toBe('slow');
  });
});
