import { beforeEach, describe, expect, it } from 'vitest';
import { AccessDenied, authorize } from '../../../lambdas/domain/authorize';
import { formatToken, parseToken } from '../../../lambdas/domain/credential-token';
import { mintCredential } from '../../../lambdas/domain/mint-credential';
import { createWorld, NOW, type World } from './in-memory-deps';

describe('authorize ($connect)', () => {
  let world: World;
  let agentToken: string;
  let viewerToken: string;
  beforeEach(async () => {
    world = createWorld();
    agentToken = (await mintCredential(world, { role: 'agent', agentId: 'build-box-1' })).token;
    viewerToken = (await mintCredential(world, { role: 'viewer' })).token;
  });

  it('gives an agent token the identity of its credential: role agent and the agent id it was minted for', async () => {
    const identity = await authorize(world, { token: agentToken, role: 'agent' });

    expect(identity).toEqual({ credentialId: parseToken(agentToken)!.credentialId, role: 'agent', agentId: 'build-box-1' });
  });

  it('gives a viewer token role viewer and no agent id, with or without ?role', async () => {
    expect(await authorize(world, { token: viewerToken })).toEqual({ credentialId: parseToken(viewerToken)!.credentialId, role: 'viewer' });
    expect(await authorize(world, { token: viewerToken, role: 'viewer' })).toMatchObject({ role: 'viewer' });
  });

  it.each<[string, () => { token?: string; role?: string }]>([
    ['no token', () => ({})],
    ['a token without a credential id', () => ({ token: 'x'.repeat(48) })],
    ['an unknown credential id', () => ({ token: formatToken({ credentialId: '0123456789abcdef', secret: parseToken(agentToken)!.secret }) })],
    ['a right id with a wrong secret', () => ({ token: formatToken({ credentialId: parseToken(agentToken)!.credentialId, secret: 'A'.repeat(43) }) })],
    ['a viewer token used as an agent', () => ({ token: viewerToken, role: 'agent' })],
    ['an agent token used as a viewer', () => ({ token: agentToken, role: 'viewer' })],
  ])('denies %s', async (_case, request) => {
    await expect(authorize(world, request())).rejects.toBeInstanceOf(AccessDenied);
  });

  it('denies a revoked credential', async () => {
    await world.credentials.revoke(parseToken(agentToken)!.credentialId, new Date(NOW).toISOString());

    await expect(authorize(world, { token: agentToken })).rejects.toBeInstanceOf(AccessDenied);
  });

  it('never puts the secret in the reason it gives', async () => {
    const { credentialId, secret } = parseToken(agentToken)!;
    const wrong = formatToken({ credentialId, secret: secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A') });

    const error = (await authorize(world, { token: wrong }).catch((e: unknown) => e)) as Error;

    expect(error.message).toContain(credentialId);
    expect(error.message).not.toContain(secret.slice(0, 8));
  });
});
