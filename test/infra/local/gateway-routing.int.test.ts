import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketEvent } from '../../../lambdas/handlers/websocket-event';
import { Cleanup, deferred, gateway, openClient, RecordingRoutes, refusedStatus } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const ERROR_FRAME = (message: string, connectionId: string) =>
  new RegExp(`^\\{"message": "${message}", "connectionId":"${connectionId.replace(/[=]/g, '\\=')}", "requestId":"[A-Za-z0-9_-]{15}="\\}$`);

describe('local gateway: $connect', () => {
  it('accepts every client when there is no $connect route', async () => {
    const gw = await gateway(cleanup, { routes: {} });

    const client = await openClient(cleanup, gw.wsUrl);

    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(gw.connectionCount()).toBe(1);
  });

  it('accepts the client when $connect answers 2xx', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { $connect: routes.handler(() => ({ statusCode: 204 })) } });

    await openClient(cleanup, `${gw.wsUrl}?role=viewer`);

    expect(routes.of('$connect')).toHaveLength(1);
  });

  it.each([401, 403, 429])('refuses the handshake with HTTP %i when $connect answers it', async (status) => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { $connect: routes.handler(() => ({ statusCode: status, body: 'no' })), $disconnect: routes.handler() } });

    const seen = await refusedStatus(cleanup, gw.wsUrl);

    expect(seen).toBe(status);
    expect(gw.connectionCount()).toBe(0);
    expect(routes.of('$disconnect')).toEqual([]);
  });

  it('refuses the handshake with 502 when $connect throws, and keeps serving', async () => {
    let fail = true;
    const gw = await gateway(cleanup, {
      routes: {
        $connect: async () => {
          if (fail) throw new Error('boom');
          return { statusCode: 200 };
        },
      },
    });

    expect(await refusedStatus(cleanup, gw.wsUrl)).toBe(502);
    fail = false;
    const client = await openClient(cleanup, gw.wsUrl);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('refuses the handshake with 502 when $connect returns no statusCode', async () => {
    const gw = await gateway(cleanup, { routes: { $connect: async () => ({}) as never } });

    expect(await refusedStatus(cleanup, gw.wsUrl)).toBe(502);
  });

  it('selects no subprotocol a client asks for unless $connect answers with one, like API Gateway', async () => {
    const gw = await gateway(cleanup, { routes: {} });

    const failure = await new Promise<Error>((resolve) => {
      const ws = new WebSocket(gw.wsUrl, ['sidetail.v1']);
      cleanup.add(() => ws.terminate());
      ws.once('error', resolve);
    });

    expect(failure.message).toMatch(/no subprotocol/i);
  });

  it('selects the subprotocol $connect answers in its Sec-WebSocket-Protocol header', async () => {
    const gw = await gateway(cleanup, {
      routes: { $connect: async () => ({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'sidetail.v1' } }) as never },
    });

    const client = await openClient(cleanup, gw.wsUrl, {}, ['sidetail.v1']);

    expect(client.ws.protocol).toBe('sidetail.v1');
  });

  it('refuses upgrades on a path other than the stage with 403', async () => {
    const gw = await gateway(cleanup, { routes: {} });

    expect(await refusedStatus(cleanup, gw.wsUrl.replace('/local', '/prod'))).toBe(403);
  });
});

describe('local gateway: route selection on "action"', () => {
  async function setup() {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: { $connect: routes.handler(), 'log.subscribe': routes.handler(), ping: routes.handler(), $default: routes.handler() },
    });
    const client = await openClient(cleanup, gw.wsUrl);
    return { routes, client };
  }

  it('invokes the route named by the message action, with the body as sent', async () => {
    const { routes, client } = await setup();
    const body = JSON.stringify({ action: 'log.subscribe', agentId: 'a', containerId: 'c' });

    client.ws.send(body);
    const event = await routes.next((e) => e.requestContext.eventType === 'MESSAGE');

    expect(event.requestContext.routeKey).toBe('log.subscribe');
    expect(event.body).toBe(body);
  });

  it.each([
    ['a body that is not JSON', 'hello'],
    ['JSON without an action', '{"containerId":"c"}'],
    ['an action with no route', '{"action":"nope"}'],
    ['an action naming a special route', '{"action":"$connect"}'],
    ['a JSON array', '[{"action":"ping"}]'],
    ['an action that is an object', '{"action":{"x":1}}'],
  ])('falls back to $default for %s', async (_case, body) => {
    const { routes, client } = await setup();

    client.ws.send(body);
    const event = await routes.next((e) => e.requestContext.eventType === 'MESSAGE');

    expect(event.requestContext.routeKey).toBe('$default');
    expect(event.body).toBe(body);
  });

  it('answers with API Gateway\'s "Forbidden" frame when no route matches and there is no $default', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { $connect: routes.handler(), ping: routes.handler() } });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    client.ws.send('{"action":"nope"}');

    expect(await client.nextMessage()).toMatch(ERROR_FRAME('Forbidden', connectionId));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('answers "Internal server error" when a handler throws, and the connection and gateway keep working', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: {
        $connect: routes.handler(),
        boom: async () => {
          throw new Error('handler bug');
        },
        echo: routes.handler(),
      },
    });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    client.ws.send('{"action":"boom"}');
    expect(await client.nextMessage()).toMatch(ERROR_FRAME('Internal server error', connectionId));

    client.ws.send('{"action":"echo"}');
    await routes.next((e) => e.requestContext.routeKey === 'echo');
    const second = await openClient(cleanup, gw.wsUrl);
    expect(second.ws.readyState).toBe(second.ws.OPEN);
  });

  it('ignores what a message route returns, even a non-2xx statusCode', async () => {
    const returned = deferred();
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: {
        $connect: routes.handler(),
        refuse: async () => {
          setImmediate(returned.resolve); // after the gateway has seen the result
          return { statusCode: 500, body: 'ignored' };
        },
      },
    });
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    client.ws.send('{"action":"refuse"}');
    await returned.promise;
    client.ws.send('{"action":"unrouted"}');

    // The first frame back is the answer to the second message: the first produced none.
    expect(await client.nextMessage()).toMatch(ERROR_FRAME('Forbidden', connectionId));
  });

  it('answers "Endpoint request timed out" when a handler does not settle within the integration timeout', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      integrationTimeoutMs: 50,
      routes: { $connect: routes.handler(), slow: async () => (await released, { statusCode: 200 }) },
    });
    cleanup.add(() => release());
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    client.ws.send('{"action":"slow"}');

    expect(await client.nextMessage()).toMatch(ERROR_FRAME('Endpoint request timed out', connectionId));
  });

  it('invokes handlers in arrival order without waiting for earlier ones to finish', async () => {
    const started: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const allStarted = deferred();
    const gw = await gateway(cleanup, {
      routes: {
        $default: async (event: WebSocketEvent) => {
          started.push(event.body!);
          if (started.length === 3) allStarted.resolve();
          if (event.body === 'm1') await firstHeld;
          return { statusCode: 200 };
        },
      },
    });
    cleanup.add(() => releaseFirst());
    const client = await openClient(cleanup, gw.wsUrl);

    for (const body of ['m1', 'm2', 'm3']) client.ws.send(body);
    await allStarted.promise;

    expect(started).toEqual(['m1', 'm2', 'm3']);
  });

  it('routes with the routes set after the gateway started listening', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: {} });
    gw.setRoutes({ ping: routes.handler() });
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send('{"action":"ping"}');

    expect((await routes.next(() => true)).requestContext.routeKey).toBe('ping');
  });
});
