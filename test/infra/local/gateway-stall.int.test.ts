import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, gateway, openClient, RecordingRoutes } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('local gateway: a stalled route (a cloud that takes messages and answers nothing, for tests)', () => {
  it('invokes nothing for the stalled route until released, then every held message in arrival order; other routes run meanwhile', async () => {
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, { routes: { 'log.batch': routes.handler(), ping: routes.handler() }, throttling: false });
    const client = await openClient(cleanup, gw.wsUrl);

    const release = gw.stall('log.batch');
    for (const n of [1, 2, 3]) client.ws.send(JSON.stringify({ action: 'log.batch', n }));
    client.ws.send(JSON.stringify({ action: 'ping' }));
    await routes.next((e) => e.requestContext.routeKey === 'ping');
    await settle();
    expect(routes.of('log.batch')).toEqual([]);

    release();
    await settle();

    expect(routes.of('log.batch').map((e) => JSON.parse(e.body!).n)).toEqual([1, 2, 3]);
    client.ws.send(JSON.stringify({ action: 'log.batch', n: 4 }));
    await routes.next((e) => e.body?.includes('"n":4') === true);
  });
});
