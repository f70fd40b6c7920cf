/**
 * The local gateway's realistic round trip (`invocationDelayMs`) and its opt-in meter: what API
 * Gateway and Lambda would bill, counted at the gateway's own boundaries.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { policy, type AuthorizerHandler } from '../../../lambdas/handlers/authorizer-event';
import { LocalMeter } from '../../../infra/local/metering/local-meter';
import { Cleanup, gateway, messageOfSize, openClient, RecordingRoutes, sdkClient, sendFragmented } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const allowAs = (role: string): AuthorizerHandler => async (event) => policy('cred-1', 'Allow', event.methodArn, { role });

describe('local gateway: a fixed delay before every invocation (invocationDelayMs)', () => {
  it('starts every Lambda invocation that many ms after its message arrived, and keeps one connection’s messages in order', async () => {
    const startedAt: number[] = [];
    const routes = new RecordingRoutes();
    const echo = routes.handler(() => {
      startedAt.push(performance.now());
      return { statusCode: 200 };
    });
    const gw = await gateway(cleanup, { routes: { echo }, invocationDelayMs: 80 });
    const client = await openClient(cleanup, gw.wsUrl);

    const sentAt = performance.now();
    client.ws.send('{"action":"echo","n":"first"}');
    client.ws.send('{"action":"echo","n":"second"}');
    await routes.next((e) => e.body!.includes('second'));

    expect(startedAt).toHaveLength(2);
    for (const at of startedAt) expect(at - sentAt).toBeGreaterThanOrEqual(75); // timers may fire a ms early
    expect(routes.of('echo').map((e) => (JSON.parse(e.body!) as { n: string }).n)).toEqual(['first', 'second']);
  });

  it('refuses a negative delay', async () => {
    await expect(gateway(cleanup, { invocationDelayMs: -1 })).rejects.toThrow(/invocationDelayMs must be a non-negative number/);
  });
});

describe('local gateway: the meter', () => {
  async function metered(role: string) {
    const meter = new LocalMeter();
    const routes = new RecordingRoutes();
    const gw = await gateway(cleanup, {
      routes: { $connect: routes.handler(), $disconnect: routes.handler(), echo: routes.handler() },
      authorizer: { identitySource: 'token', handler: allowAs(role) },
      meter,
    });
    const client = await openClient(cleanup, `${gw.wsUrl}?token=t`);
    const { connectionId } = (await routes.connectOf()).requestContext;
    return { meter, routes, gw, client, connectionId: connectionId! };
  }

  it('counts messages from the client per 32 KB unit and per role, as AWS bills them', async () => {
    const { meter, routes, client } = await metered('agent');

    client.ws.send(messageOfSize(100));
    sendFragmented(client.ws, messageOfSize(40 * 1024), 16 * 1024); // within the 32 KB frame quota
    await routes.next((e) => e.requestContext.routeKey === 'echo' && e.body!.length > 1000);

    expect(meter.read().messages.in).toEqual({ agent: { messages: 2, units: 3, bytes: 100 + 40 * 1024 } });
  });

  it('counts messages to the client (posts and the gateway’s own error frames) per 32 KB unit and per role', async () => {
    const { meter, gw, client, connectionId } = await metered('viewer');
    const sdk = sdkClient(cleanup, gw.connectionsEndpoint);

    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('x'.repeat(70 * 1024)) }));
    await client.nextMessage();
    client.ws.send('{"action":"nowhere"}'); // no such route: API Gateway's "Forbidden" frame
    await client.nextMessage();

    const out = meter.read().messages.out.viewer!;
    expect(out.messages).toBe(2);
    expect(out.units).toBe(3 + 1);
  });

  it('counts every invocation per route with its duration, the authorizer’s included', async () => {
    const meter = new LocalMeter();
    const routes = new RecordingRoutes();
    const slow = routes.handler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return { statusCode: 200 };
    });
    const gw = await gateway(cleanup, {
      routes: { $connect: routes.handler(), slow },
      authorizer: { identitySource: 'token', handler: allowAs('viewer') },
      meter,
      invocationDelayMs: 30,
    });
    const client = await openClient(cleanup, `${gw.wsUrl}?token=t`);
    client.ws.send('{"action":"slow"}');
    client.ws.send('{"action":"slow"}');
    await routes.next((e) => e.requestContext.routeKey === 'slow');
    await new Promise((resolve) => setTimeout(resolve, 150));

    const { invocations } = meter.read();
    expect(invocations.$authorizer?.count).toBe(1);
    expect(invocations.$connect?.count).toBe(1);
    expect(invocations.slow?.count).toBe(2);
    // The delay before an invocation is API Gateway's and Lambda's, not billed duration.
    expect(invocations.slow!.ms).toBeGreaterThanOrEqual(2 * 55);
    expect(invocations.slow!.ms).toBeLessThan(2 * 60 + 2 * 30);
    expect(invocations.slow!.billedMs).toBeGreaterThanOrEqual(invocations.slow!.ms);
  });

  it('counts connection time until the connection closes, and open connections up to now', async () => {
    const { meter, client, routes } = await metered('viewer');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const whileOpen = meter.read();

    client.ws.close();
    await routes.next((e) => e.requestContext.routeKey === '$disconnect');
    const closed = meter.read().connectionMinutes;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(whileOpen.connections).toBe(1);
    expect(whileOpen.connectionMinutes * 60_000).toBeGreaterThanOrEqual(190);
    expect(meter.read().connectionMinutes).toBe(closed);
  });

  it('starts afresh on reset, counting open connections from then on', async () => {
    const { meter, routes, client } = await metered('agent');
    client.ws.send(messageOfSize(100));
    await routes.next((e) => e.requestContext.routeKey === 'echo');

    meter.reset();

    const reading = meter.read();
    expect(reading.messages).toEqual({ in: {}, out: {} });
    expect(reading.invocations).toEqual({});
    expect(reading.connections).toBe(1);
    expect(reading.connectionMinutes * 60_000).toBeLessThan(50);
  });
});
