/**
 * Route throttling in the local gateway, enforced as API Gateway does: a token bucket per route for
 * the whole stage. A throttled message reaches no Lambda; the client gets a "Too Many Requests"
 * frame and keeps its connection. A throttled `$connect` refuses the handshake with HTTP 429.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTE_THROTTLING } from '../../../infra/route-throttling';
import { Cleanup, gateway, openClient, RecordingRoutes, refusedStatus, type TestClient } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const TOO_MANY = /^\{"message": "Too Many Requests", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

/** Messages the client gets within `ms`. */
/** The frames the client receives within `ms`, or until `enough` says so. */
async function framesWithin(client: TestClient, ms: number, enough: (frames: string[]) => boolean = () => false): Promise<string[]> {
  const frames: string[] = [];
  const stop = Date.now() + ms;
  for (;;) {
    const left = stop - Date.now();
    if (left <= 0 || enough(frames)) return frames;
    const next = await Promise.race([client.nextMessage(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), left))]);
    if (next === undefined) return frames;
    frames.push(next);
  }
}

describe('local gateway: route throttling', () => {
  it('throttles a flood from one connection and keeps it open, while other connections\' traffic on other routes flows', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: { 'log.subscribe': routes.handler(), 'log.batch': routes.handler() },
      throttling: { default: { rateLimit: 2, burstLimit: 10 }, routes: { 'log.batch': { rateLimit: 100, burstLimit: 50 } } },
    });
    const flooder = await openClient(cleanup, gw.wsUrl);
    const agent = await openClient(cleanup, gw.wsUrl);

    for (let i = 0; i < 200; i++) {
      flooder.ws.send(JSON.stringify({ action: 'log.subscribe', i }));
      if (i % 10 === 0) agent.ws.send(JSON.stringify({ action: 'log.batch', i }));
    }
    const throttled = await framesWithin(flooder, 300);

    const subscribes = routes.of('log.subscribe').length;
    expect(subscribes).toBeGreaterThanOrEqual(10);
    expect(subscribes).toBeLessThanOrEqual(14); // the burst, plus what the rate (2/s) refilled meanwhile
    expect(throttled).toHaveLength(200 - subscribes);
    expect(throttled.every((frame) => TOO_MANY.test(frame))).toBe(true);
    expect(routes.of('log.batch')).toHaveLength(20);
    expect(await framesWithin(agent, 50)).toEqual([]);
    expect(flooder.ws.readyState).toBe(flooder.ws.OPEN);
  });

  it('lets a throttled connection through again once the bucket has refilled', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { echo: routes.handler() }, throttling: { default: { rateLimit: 20, burstLimit: 2 }, routes: {} } });
    const client = await openClient(cleanup, gw.wsUrl);
    for (let i = 0; i < 3; i++) client.ws.send('{"action":"echo"}');
    expect(await client.nextMessage()).toMatch(TOO_MANY);

    await new Promise((resolve) => setTimeout(resolve, 120));
    client.ws.send('{"action":"echo","again":true}');

    expect((await routes.next((e) => e.body!.includes('again'))).body).toBe('{"action":"echo","again":true}');
  });

  it('refuses a handshake over the $connect limit with HTTP 429, before any $connect runs', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: { $connect: routes.handler() },
      throttling: { default: { rateLimit: 1_000, burstLimit: 1_000 }, routes: { $connect: { rateLimit: 0.01, burstLimit: 2 } } },
    });
    await openClient(cleanup, gw.wsUrl);
    await openClient(cleanup, gw.wsUrl);

    expect(await refusedStatus(cleanup, gw.wsUrl)).toBe(429);
    expect(routes.of('$connect')).toHaveLength(2);
  });

  it('applies the stack\'s throttling settings by default', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { echo: routes.handler() } });
    const client = await openClient(cleanup, gw.wsUrl);
    const { burstLimit: burst, rateLimit } = ROUTE_THROTTLING.default;
    // Over the burst by what the rate refills in 5 s: a slow, loaded machine cannot send (and the
    // bucket refill) its way out of being throttled.
    const sent = burst + 5 * rateLimit;

    for (let i = 0; i < sent; i++) client.ws.send('{"action":"echo"}');
    const frames = await framesWithin(client, 10_000, (received) => routes.of('echo').length + received.length >= sent);

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => TOO_MANY.test(frame))).toBe(true);
    expect(routes.of('echo').length).toBeGreaterThanOrEqual(burst);
    expect(routes.of('echo').length + frames.length).toBe(sent);
  });
});
