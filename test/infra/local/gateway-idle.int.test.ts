import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, deferred, gateway, openClient, RecordingRoutes } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Whether `promise` has settled by the time already-queued work has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 50));
  return settled;
}

describe('local gateway: idle() (for specs that check the store once the cloud is quiet)', () => {
  it('resolves only once every running invocation has finished, those started while it waited included', async () => {
    const first = deferred();
    const second = deferred();
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      throttling: false,
      routes: {
        first: routes.handler(async () => (await first.promise, { statusCode: 200 })),
        second: routes.handler(async () => (await second.promise, { statusCode: 200 })),
      },
    });
    const client = await openClient(cleanup, gw.wsUrl);

    client.ws.send(JSON.stringify({ action: 'first' }));
    await routes.next((e) => e.requestContext.routeKey === 'first');
    const idle = gw.idle();
    client.ws.send(JSON.stringify({ action: 'second' }));
    await routes.next((e) => e.requestContext.routeKey === 'second');

    first.resolve();
    expect(await hasSettled(idle), 'idle with the second invocation still running').toBe(false);
    second.resolve();
    await idle;
  });

  it('resolves at once when nothing runs', async () => {
    const gw = await gateway(cleanup, { routes: {} });
    expect(await hasSettled(gw.idle())).toBe(true);
  });
});
