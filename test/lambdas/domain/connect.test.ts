import { beforeEach, describe, expect, it } from 'vitest';
import { connect, CredentialRevoked } from '../../../lambdas/domain/connect';
import { mintCredential } from '../../../lambdas/domain/mint-credential';
import { createWorld, NOW, type World } from './in-memory-deps';

describe('connect', () => {
  let world: World;
  beforeEach(() => {
    world = createWorld();
  });

  it('records an agent connection with the agent id and credential its authorizer proved', async () => {
    const { credential } = await mintCredential(world, { role: 'agent', agentId: 'build-box-1' });

    await connect(world, { connectionId: 'c-1', identity: { credentialId: credential.credentialId, role: 'agent', agentId: 'build-box-1' }, connectedAt: NOW });

    expect(await world.connections.get('c-1')).toEqual({
      connectionId: 'c-1',
      role: 'agent',
      agentId: 'build-box-1',
      credentialId: credential.credentialId,
      connectedAt: new Date(NOW).toISOString(),
    });
    expect(await world.credentials.connectionIds(credential.credentialId)).toEqual(['c-1']);
  });

  it('enrols viewers, not agents, for inventory broadcasts', async () => {
    const agent = (await mintCredential(world, { role: 'agent', agentId: 'h' })).credential;
    const viewer = (await mintCredential(world, { role: 'viewer' })).credential;

    await connect(world, { connectionId: 'a', identity: agent, connectedAt: NOW });
    await connect(world, { connectionId: 'v', identity: viewer, connectedAt: NOW });

    expect(await world.connections.viewerIds()).toEqual(['v']);
  });

  it('refuses, and forgets, a connection whose credential was revoked while a cached authorizer admitted it', async () => {
    const { credential } = await mintCredential(world, { role: 'viewer' });
    await world.credentials.revoke(credential.credentialId, new Date(NOW).toISOString());

    const attempt = connect(world, { connectionId: 'v', identity: credential, connectedAt: NOW });

    await expect(attempt).rejects.toBeInstanceOf(CredentialRevoked);
    expect(await world.connections.get('v')).toBeUndefined();
    expect(await world.connections.viewerIds()).toEqual([]);
  });
});
