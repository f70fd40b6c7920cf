import { beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, parseToken } from '../../../lambdas/domain/credential-token';
import { InvalidCredentialRequest, mintCredential } from '../../../lambdas/domain/mint-credential';
import { revokeCredential, type ConnectionCloser } from '../../../lambdas/domain/revoke-credential';
import { createWorld, NOW, type World } from './in-memory-deps';

describe('minting a credential', () => {
  let world: World;
  beforeEach(() => {
    world = createWorld();
  });

  it('returns a URL-safe <credentialId>.<secret> token once and stores only the hash of its secret', async () => {
    const { token, credential } = await mintCredential(world, { role: 'agent', agentId: 'build-box-1' });

    expect(token).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const { credentialId, secret } = parseToken(token)!;
    expect(await world.credentials.get(credentialId)).toEqual({
      credentialId,
      role: 'agent',
      agentId: 'build-box-1',
      secretHash: hashSecret(secret),
      createdAt: new Date(NOW).toISOString(),
    });
    expect(JSON.stringify(credential)).not.toContain(secret);
  });

  it('mints a different token every time', async () => {
    const tokens = await Promise.all([1, 2, 3].map(() => mintCredential(world, { role: 'viewer' })));

    expect(new Set(tokens.map((t) => t.token)).size).toBe(3);
  });

  it('imports a given token of the right shape, and refuses one of any other', async () => {
    const given = `local-agent.${'s'.repeat(40)}`;

    expect((await mintCredential(world, { role: 'viewer', token: given })).token).toBe(given);
    await expect(mintCredential(world, { role: 'viewer', token: 'short' })).rejects.toBeInstanceOf(InvalidCredentialRequest);
  });

  it('refuses an agent id the protocol could not carry', async () => {
    await expect(mintCredential(world, { role: 'agent', agentId: 'no#hash' })).rejects.toBeInstanceOf(InvalidCredentialRequest);
  });
});

describe('revoking a credential', () => {
  let world: World;
  const closed: string[] = [];
  const closer: ConnectionCloser = { close: async (id) => (id.startsWith('gone') ? 'gone' : (closed.push(id), 'closed')) };
  beforeEach(() => {
    world = createWorld();
    closed.length = 0;
  });

  it('marks it revoked and closes every connection opened with it', async () => {
    const { credential } = await mintCredential(world, { role: 'agent', agentId: 'h' });
    const other = (await mintCredential(world, { role: 'agent', agentId: 'h' })).credential;
    await world.credentials.addConnection(credential.credentialId, 'conn-1');
    await world.credentials.addConnection(credential.credentialId, 'gone-conn');
    await world.credentials.addConnection(other.credentialId, 'conn-other');

    const result = await revokeCredential({ ...world, closer }, credential.credentialId);

    expect(result).toEqual({ found: true, closed: ['conn-1'] });
    expect(closed).toEqual(['conn-1']);
    expect((await world.credentials.get(credential.credentialId))?.revokedAt).toBe(new Date(NOW).toISOString());
    expect((await world.credentials.get(other.credentialId))?.revokedAt).toBeUndefined();
  });

  it('says so, and changes nothing, for a credential that does not exist', async () => {
    expect(await revokeCredential({ ...world, closer }, 'feedfacefeedface')).toEqual({ found: false, closed: [] });
  });
});
