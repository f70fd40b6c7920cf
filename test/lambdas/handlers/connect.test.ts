import { beforeEach, describe, expect, it } from 'vitest';
import { connectHandler } from '../../../lambdas/handlers/connect';
import { disconnectHandler } from '../../../lambdas/handlers/disconnect';
import { addAgent, addViewer, container, createWorld, type World } from '../domain/in-memory-deps';
import { connectEvent, disconnectEvent } from './events';

describe('$connect route', () => {
  let world: World;
  beforeEach(() => {
    world = createWorld();
  });
  const connect = (query?: Record<string, string>) => connectHandler(() => world)(connectEvent('conn-1', query));

  it('admits a viewer with the viewer token', async () => {
    expect(await connect({ role: 'viewer', token: 'viewer-secret' })).toEqual({ statusCode: 200 });
    expect((await world.connections.get('conn-1'))?.role).toBe('viewer');
  });

  it.each([
    ['no query string at all', undefined, 400],
    ['an unknown role', { role: 'root', token: 'viewer-secret' }, 400],
    ['a wrong token', { role: 'agent', token: 'nope' }, 401],
    ['no token', { role: 'agent' }, 401],
  ])('refuses the handshake with %s (HTTP %s), saying why', async (_name, query, status) => {
    const result = await connect(query);

    expect(result.statusCode).toBe(status);
    expect(result.body).toBeTruthy();
    expect(await world.connections.get('conn-1')).toBeUndefined();
  });

  it('answers 500 and logs why when the function was deployed without the tokens', async () => {
    world = createWorld({ agentToken: undefined, viewerToken: undefined });

    expect(await connect({ role: 'viewer', token: 'viewer-secret' })).toEqual({ statusCode: 500 });
    expect(world.logger.entries).toEqual([
      expect.objectContaining({ level: 'error', context: expect.objectContaining({ error: expect.stringMatching(/TokensNotConfigured: .*AGENT_TOKEN/) }) }),
    ]);
    expect(await world.connections.get('conn-1')).toBeUndefined();
  });

  it('returns 500 and logs when the connection cannot be stored', async () => {
    world.connections.add = async () => {
      throw new Error('throttled');
    };

    expect(await connect({ role: 'viewer', token: 'viewer-secret' })).toEqual({ statusCode: 500 });
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'error', context: expect.objectContaining({ connectionId: 'conn-1' }) })]);
  });
});

describe('$disconnect route', () => {
  it('forgets the connection and what it watched', async () => {
    const world = createWorld();
    await addAgent(world);
    await addViewer(world, 'conn-1');
    await world.subscriptions.add('conn-1', container());

    expect(await disconnectHandler(() => world)(disconnectEvent('conn-1'))).toEqual({ statusCode: 200 });
    expect(world.subscriptions.of('conn-1')).toEqual([]);
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.stream.stop', containerId: 'c1' }]);
  });

  it('returns 500 and logs when clean-up fails', async () => {
    const world = createWorld();
    world.subscriptions.ofConnection = async () => {
      throw new Error('throttled');
    };

    expect(await disconnectHandler(() => world)(disconnectEvent('conn-1'))).toEqual({ statusCode: 500 });
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'error' })]);
  });
});
