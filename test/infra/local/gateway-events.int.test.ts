import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, gateway, openClient, RecordingRoutes } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** "L0SM9cOFvHcCIhw=": how API Gateway's connection, request and message ids look. */
const AWS_ID = /^[A-Za-z0-9_-]{15}=$/;
const REQUEST_TIME = /^\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

async function setup() {
  const routes = new RecordingRoutes();
  const gw = await gateway(cleanup, {
    routes: { $connect: routes.handler(), $disconnect: routes.handler(), ping: routes.handler() },
  });
  return { routes, gw };
}

describe('local gateway: the events handlers receive', () => {
  it('builds the CONNECT event with the handshake headers, the query string and the request context', async () => {
    const { routes, gw } = await setup();
    const before = Date.now();

    await openClient(cleanup, `${gw.wsUrl}?role=agent&token=t0k3n&tag=a&tag=b`, {
      headers: { 'User-Agent': 'sidetail-test/1', 'X-Custom-Header': 'kept' },
    });
    const event = await routes.connectOf();

    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toEqual({ role: 'agent', token: 't0k3n', tag: 'b' });
    expect(event.multiValueQueryStringParameters).toEqual({ role: ['agent'], token: ['t0k3n'], tag: ['a', 'b'] });
    expect(event.headers).toMatchObject({
      Host: gw.domainName,
      'User-Agent': 'sidetail-test/1',
      'X-Custom-Header': 'kept',
      'Sec-WebSocket-Version': '13',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Port': String(gw.port),
      'X-Forwarded-Proto': 'http',
    });
    expect(event.headers!['Sec-WebSocket-Key']).toBeTruthy();
    expect(event.headers!['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders!['X-Custom-Header']).toEqual(['kept']);

    const context = event.requestContext;
    expect(context).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'local',
      domainName: gw.domainName,
      identity: { sourceIp: '127.0.0.1', userAgent: 'sidetail-test/1' },
    });
    expect(context.connectionId).toMatch(AWS_ID);
    expect(context.requestId).toMatch(AWS_ID);
    expect(context.extendedRequestId).toBe(context.requestId);
    expect(context.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(context.connectedAt).toBeGreaterThanOrEqual(before);
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(context.connectedAt);
    expect(context.requestTime).toMatch(REQUEST_TIME);
    expect(context).not.toHaveProperty('messageId');
    expect(context).not.toHaveProperty('disconnectStatusCode');
  });

  it('leaves the query fields out of the CONNECT event when the URL has no query string', async () => {
    const { routes, gw } = await setup();

    await openClient(cleanup, gw.wsUrl);
    const event = await routes.connectOf();

    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
  });

  it('builds the MESSAGE event with the body, a messageId and the connection\'s context', async () => {
    const { routes, gw } = await setup();
    const client = await openClient(cleanup, gw.wsUrl, { headers: { 'User-Agent': 'ua' } });
    const connect = await routes.connectOf();

    client.ws.send('{"action":"ping"}');
    const event = await routes.next((e) => e.requestContext.eventType === 'MESSAGE');

    expect(event).toEqual({
      requestContext: {
        routeKey: 'ping',
        eventType: 'MESSAGE',
        messageId: expect.stringMatching(AWS_ID),
        extendedRequestId: event.requestContext.requestId,
        requestTime: expect.stringMatching(REQUEST_TIME),
        messageDirection: 'IN',
        stage: 'local',
        connectedAt: connect.requestContext.connectedAt,
        requestTimeEpoch: expect.any(Number),
        identity: { userAgent: 'ua', sourceIp: '127.0.0.1' },
        requestId: expect.stringMatching(AWS_ID),
        domainName: gw.domainName,
        connectionId: connect.requestContext.connectionId,
        apiId: connect.requestContext.apiId,
      },
      body: '{"action":"ping"}',
      isBase64Encoded: false,
    });
    expect(event.requestContext.requestId).not.toBe(connect.requestContext.requestId);
  });

  it('builds the DISCONNECT event with API Gateway\'s fixed headers and the client\'s close code and reason', async () => {
    const { routes, gw } = await setup();
    const client = await openClient(cleanup, gw.wsUrl);
    const connect = await routes.connectOf();

    client.ws.close(4000, 'bye now');
    const event = await routes.disconnectOf(connect.requestContext.connectionId);

    expect(event).toEqual({
      headers: { Host: gw.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
      multiValueHeaders: { Host: [gw.domainName], 'x-api-key': [''], 'X-Forwarded-For': [''], 'x-restapi': [''] },
      requestContext: {
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        disconnectStatusCode: 4000,
        disconnectReason: 'bye now',
        extendedRequestId: event.requestContext.requestId,
        requestTime: expect.stringMatching(REQUEST_TIME),
        messageDirection: 'IN',
        stage: 'local',
        connectedAt: connect.requestContext.connectedAt,
        requestTimeEpoch: expect.any(Number),
        identity: { sourceIp: '127.0.0.1' },
        requestId: expect.stringMatching(AWS_ID),
        domainName: gw.domainName,
        connectionId: connect.requestContext.connectionId,
        apiId: connect.requestContext.apiId,
      },
      isBase64Encoded: false,
    });
  });

  it.each([
    ['a close frame without a status', (ws: import('ws').WebSocket) => ws.close(), 1005, 'Client-side close frame status not set'],
    ['a normal close', (ws: import('ws').WebSocket) => ws.close(1000), 1000, ''],
    ['a dropped TCP connection', (ws: import('ws').WebSocket) => ws.terminate(), 1006, 'Connection closed abnormally'],
  ])('reports %s as %i in $disconnect', async (_case, close, statusCode, reason) => {
    const { routes, gw } = await setup();
    const client = await openClient(cleanup, gw.wsUrl);
    const { connectionId } = (await routes.connectOf()).requestContext;

    close(client.ws);
    const event = await routes.disconnectOf(connectionId);

    expect(event.requestContext).toMatchObject({ disconnectStatusCode: statusCode, disconnectReason: reason });
    expect(gw.connectionCount()).toBe(0);
  });

  it('gives every connection its own id', async () => {
    const { routes, gw } = await setup();

    await Promise.all([1, 2, 3].map(() => openClient(cleanup, gw.wsUrl)));

    const ids = new Set(routes.of('$connect').map((e) => e.requestContext.connectionId));
    expect(ids.size).toBe(3);
  });
});
