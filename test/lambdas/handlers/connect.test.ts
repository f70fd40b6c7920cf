import { beforeEach, describe, expect, it } from 'vitest';
import { mintCredential } from '../../../lambdas/domain/mint-credential';
import type { Identity } from '../../../lambdas/domain/ports';
import { connectHandler } from '../../../lambdas/handlers/connect';
import { disconnectHandler } from '../../../lambdas/handlers/disconnect';
import { addAgent, addViewer, container, createWorld, NOW, type World } from '../domain/in-memory-deps';
import { connectEvent, disconnectEvent } from './events';

describe('$connect route', () => {
  let world: World;
  let viewer: Identity;
  beforeEach(async () => {
    world = createWorld();
    viewer = (await mintCredential(world, { role: 'viewer' })).credential;
  });
  const connect = (identity?: Identity) => connectHandler(() => world)(connectEvent('conn-1', identity));

  it('records the connection with the identity the authorizer put on the event', async () => {
    expect(await connect(viewer)).toEqual({ statusCode: 200 });

    expect(await world.connections.get('conn-1')).toEqual({
      connectionId: 'conn-1',
      role: 'viewer',
      credentialId: viewer.credentialId,
      connectedAt: new Date(0).toISOString(),
    });
  });

  it('answers 500 and admits nobody when the event carries no authorizer identity (the route lost its authorizer)', async () => {
    expect(await connect()).toEqual({ statusCode: 500 });

    expect(await world.connections.get('conn-1')).toBeUndefined();
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  it('refuses with 403 a credential revoked after a cached authorizer allowed it', async () => {
    await world.credentials.revoke(viewer.credentialId, new Date(NOW).toISOString());

    expect(await connect(viewer)).toEqual({ statusCode: 403, body: 'Forbidden' });
    expect(await world.connections.get('conn-1')).toBeUndefined();
  });

  it('returns 500 and logs when the connection cannot be stored', async () => {
    world.connections.add = async () => {
      throw new Error('throttled');
    };

    expect(await connect(viewer)).toEqual({ statusCode: 500 });
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
