import { afterEach, describe, expect, it } from 'vitest';
import {
  Cleanup,
  clientFrame,
  gateway,
  messageOfSize,
  openClient,
  rawClient,
  RecordingRoutes,
  sendFragmented,
} from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const KB = 1024;

async function setup() {
  const routes = new RecordingRoutes();
  const gw = await gateway(cleanup, {
    routes: { $connect: routes.handler(), $disconnect: routes.handler(), echo: routes.handler() },
  });
  const client = await openClient(cleanup, gw.wsUrl);
  const { connectionId } = (await routes.connectOf()).requestContext;
  return { routes, gw, client, connectionId };
}

describe('local gateway: API Gateway\'s frame (32 KB) and message (128 KB) quotas', () => {
  it('delivers a 100 KB message sent as fragments of 32 KB frames', async () => {
    const { routes, client } = await setup();
    const body = messageOfSize(100 * KB);

    sendFragmented(client.ws, body, 32 * KB);
    const event = await routes.next((e) => e.requestContext.routeKey === 'echo');

    expect(event.body).toBe(body);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it.each([
    ['a single frame of exactly 32 KB', 32 * KB, 32 * KB],
    ['a message of exactly 128 KB in 32 KB frames', 128 * KB, 32 * KB],
  ])('accepts %s', async (_case, size, frame) => {
    const { routes, client } = await setup();
    const body = messageOfSize(size);

    sendFragmented(client.ws, body, frame);

    expect((await routes.next((e) => e.requestContext.routeKey === 'echo')).body).toBe(body);
  });

  it.each([
    ['a single 40 KB frame', 40 * KB, 40 * KB],
    ['a single frame one byte over 32 KB', 32 * KB + 1, 32 * KB + 1],
    ['a 130 KB message in 32 KB frames', 130 * KB, 32 * KB],
    ['a message one byte over 128 KB in 32 KB frames', 128 * KB + 1, 32 * KB],
  ])('closes the connection with 1009 "Message too big" on %s, without invoking a route', async (_case, size, frame) => {
    const { routes, client, connectionId } = await setup();

    sendFragmented(client.ws, messageOfSize(size), frame);

    expect(await client.closed).toEqual({ code: 1009, reason: 'Message too big' });
    const disconnect = await routes.disconnectOf(connectionId);
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1009, disconnectReason: 'Message too big' });
    expect(routes.of('echo')).toEqual([]);
  });

  it.each([
    ['an oversize frame', [clientFrame(Buffer.alloc(40 * KB, 0x61))]],
    [
      'an oversize fragmented message',
      [
        clientFrame(Buffer.alloc(32 * KB, 0x61), { opcode: 0x1, fin: false }),
        ...[1, 2, 3, 4].map(() => clientFrame(Buffer.alloc(32 * KB, 0x61), { opcode: 0x0, fin: false })),
        clientFrame(Buffer.from('end'), { opcode: 0x0, fin: true }),
      ],
    ],
  ])('still delivers the messages that arrived in the same TCP chunk before %s', async (_case, offending) => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { $default: routes.handler(), $disconnect: routes.handler() } });
    const { socket } = await rawClient(cleanup, gw);

    socket.write(Buffer.concat([clientFrame(Buffer.from('first')), clientFrame(Buffer.from('second')), ...offending]));
    const disconnect = await routes.next((e) => e.requestContext.routeKey === '$disconnect');

    expect(routes.of('$default').map((e) => e.body)).toEqual(['first', 'second']);
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1009, disconnectReason: 'Message too big' });
  });

  it('checks a frame whose header arrives split across TCP chunks', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { $default: routes.handler(), $disconnect: routes.handler() } });
    const { socket } = await rawClient(cleanup, gw);
    const frame = clientFrame(Buffer.alloc(40 * KB, 0x61));

    for (const byte of frame.subarray(0, 8)) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.write(frame.subarray(8));
    const disconnect = await routes.next((e) => e.requestContext.routeKey === '$disconnect');

    expect(disconnect.requestContext.disconnectStatusCode).toBe(1009);
    expect(routes.of('$default')).toEqual([]);
  });

  it('closes the connection with 1003 on a binary frame, which API Gateway does not accept', async () => {
    const { routes, client, connectionId } = await setup();

    client.ws.send(Buffer.from('{"action":"echo"}'), { binary: true });

    expect((await client.closed).code).toBe(1003);
    expect((await routes.disconnectOf(connectionId)).requestContext.disconnectStatusCode).toBe(1003);
    expect(routes.of('echo')).toEqual([]);
  });

  it('keeps other connections open when one breaks a quota', async () => {
    const { gw, routes, client } = await setup();
    const other = await openClient(cleanup, gw.wsUrl);

    client.ws.send(messageOfSize(40 * KB));
    await client.closed;
    other.ws.send('{"action":"echo","from":"other"}');

    expect((await routes.next((e) => e.requestContext.routeKey === 'echo')).body).toContain('other');
    expect(gw.connectionCount()).toBe(1);
  });
});
