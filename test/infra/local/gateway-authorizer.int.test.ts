/** The local gateway runs a $connect REQUEST authorizer the way API Gateway does. */
import { afterEach, describe, expect, it } from 'vitest';
import { policy, type AuthorizerEvent, type AuthorizerHandler } from '../../../lambdas/handlers/authorizer-event';
import { Cleanup, gateway, openClient, RecordingRoutes, refusedStatus } from './gateway-test-kit';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function setup(authorize: AuthorizerHandler) {
  const routes = new RecordingRoutes();
  const seen: AuthorizerEvent[] = [];
  const gw = await gateway(cleanup, {
    routes: { $connect: routes.handler(), $disconnect: routes.handler(), ping: routes.handler() },
    authorizer: {
      identitySource: 'token',
      handler: async (event) => {
        seen.push(event);
        return authorize(event);
      },
    },
  });
  return { routes, gw, seen };
}

const allowAs = (context: Record<string, string>): AuthorizerHandler => async (event) => policy('cred-1', 'Allow', event.methodArn, context);

describe('local gateway: the $connect authorizer', () => {
  it('hands the authorizer a REQUEST event with the $connect method ARN, the query string and the request context', async () => {
    const { gw, seen } = await setup(allowAs({ role: 'viewer' }));

    await openClient(cleanup, `${gw.wsUrl}?role=viewer&token=t0k3n`);

    expect(seen).toEqual([
      expect.objectContaining({
        type: 'REQUEST',
        methodArn: expect.stringMatching(/^arn:aws:execute-api:local:\d{12}:[a-z0-9]{10}\/local\/\$connect$/),
        queryStringParameters: { role: 'viewer', token: 't0k3n' },
        requestContext: expect.objectContaining({ routeKey: '$connect', eventType: 'CONNECT' }),
      }),
    ]);
  });

  it('puts principalId, integrationLatency and the context on $connect and on every later event of the connection', async () => {
    const { routes, gw } = await setup(allowAs({ role: 'agent', agentId: 'build-box-1' }));
    const client = await openClient(cleanup, `${gw.wsUrl}?token=t0k3n`);
    const connect = await routes.connectOf();

    client.ws.send('{"action":"ping"}');
    const message = await routes.next((e) => e.requestContext.routeKey === 'ping');
    client.ws.close();
    const disconnect = await routes.disconnectOf(connect.requestContext.connectionId);

    const expected = { principalId: 'cred-1', integrationLatency: expect.any(Number), role: 'agent', agentId: 'build-box-1' };
    for (const event of [connect, message, disconnect]) expect(event.requestContext.authorizer).toEqual(expected);
  });

  it.each([
    ['no token at all', '', 401],
    ['an empty token', '?token=', 401],
  ])('answers %s with 401 without invoking the authorizer or $connect', async (_case, query, status) => {
    const { routes, gw, seen } = await setup(allowAs({ role: 'viewer' }));

    expect(await refusedStatus(cleanup, `${gw.wsUrl}${query}`)).toBe(status);
    expect(seen).toEqual([]);
    expect(routes.of('$connect')).toEqual([]);
  });

  it.each<[string, AuthorizerHandler, number]>([
    ['a Deny policy', async (event) => policy('x', 'Deny', event.methodArn), 403],
    ['an Allow for another resource', async () => policy('x', 'Allow', 'arn:aws:execute-api:local:000000000000:other/local/$connect'), 403],
    ["a thrown 'Unauthorized'", async () => Promise.reject(new Error('Unauthorized')), 401],
    ['any other failure', async () => Promise.reject(new Error('boom')), 500],
    ['a context value that is an object', async (event) => ({ ...policy('x', 'Allow', event.methodArn), context: { nested: {} } }) as never, 500],
  ])('refuses the handshake for %s (HTTP %s), and $connect never runs', async (_case, authorize, status) => {
    const { routes, gw } = await setup(authorize);

    expect(await refusedStatus(cleanup, `${gw.wsUrl}?token=t0k3n`)).toBe(status);
    expect(routes.of('$connect')).toEqual([]);
  });

  it('allows a policy whose resource is a wildcard ARN', async () => {
    const { routes, gw } = await setup(async () => policy('cred-1', 'Allow', 'arn:aws:execute-api:*'));

    await openClient(cleanup, `${gw.wsUrl}?token=t0k3n`);

    expect((await routes.connectOf()).requestContext.authorizer).toMatchObject({ principalId: 'cred-1' });
  });
});
