import { describe, expect, it } from 'vitest';
import { ROUTE_TABLE } from '../../../lambdas/route-table';
import { connectionsEndpoint } from '../../../lambdas/handlers/runtime';
import { messageEvent } from './events';

describe('handler runtime', () => {
  it('posts back through the API the event came from', () => {
    expect(connectionsEndpoint(messageEvent('ping', 'c', '{}'), {})).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('posts to CONNECTIONS_ENDPOINT when one is configured (the local gateway)', () => {
    expect(connectionsEndpoint(messageEvent('ping', 'c', '{}'), { connectionsEndpoint: 'http://127.0.0.1:4510/local' })).toBe(
      'http://127.0.0.1:4510/local',
    );
  });

  it.each(ROUTE_TABLE.map((route) => [route.routeKey, route.entry]))(
    'has a handler module for route %s at %s, loadable without any environment',
    async (_routeKey, entry) => {
      const module = (await import(`../../../${entry}`)) as { handler?: unknown };

      expect(typeof module.handler).toBe('function');
    },
  );
});
