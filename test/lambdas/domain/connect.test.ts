import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionRefused, TokensNotConfigured } from '../../../lambdas/domain/authorize-connection';
import { connect } from '../../../lambdas/domain/connect';
import { createWorld, NOW, type World } from './in-memory-deps';

describe('connect', () => {
  let world: World;
  beforeEach(() => {
    world = createWorld();
  });

  it.each([
    ['agent', 'agent-secret'],
    ['viewer', 'viewer-secret'],
  ])('admits a %s presenting its token and records the role', async (role, token) => {
    const granted = await connect(world, { connectionId: 'c-1', role, token });

    expect(granted).toBe(role);
    expect(await world.connections.get('c-1')).toEqual({ connectionId: 'c-1', role, connectedAt: new Date(NOW).toISOString() });
  });

  it('enrols viewers, not agents, for inventory broadcasts', async () => {
    await connect(world, { connectionId: 'a', role: 'agent', token: 'agent-secret' });
    await connect(world, { connectionId: 'v', role: 'viewer', token: 'viewer-secret' });

    expect(await world.connections.viewerIds()).toEqual(['v']);
  });

  it.each([
    ['no token at all', { agentToken: undefined, viewerToken: undefined }, /AGENT_TOKEN and VIEWER_TOKEN are not configured/],
    ['no agent token', { agentToken: undefined }, /AGENT_TOKEN is not configured/],
    ['no viewer token', { viewerToken: '' }, /VIEWER_TOKEN is not configured/],
  ])('fails fast with TokensNotConfigured when it has %s, whoever connects, and records nothing', async (_name, settings, problem) => {
    world = createWorld(settings);

    const attempt = connect(world, { connectionId: 'c-1', role: 'viewer', token: 'viewer-secret' });

    await expect(attempt).rejects.toBeInstanceOf(TokensNotConfigured);
    await expect(attempt).rejects.toThrow(problem);
    expect(await world.connections.get('c-1')).toBeUndefined();
  });

  it.each([
    ['the role is missing', { token: 'viewer-secret' }, 400],
    ['the role is unknown', { role: 'admin', token: 'viewer-secret' }, 400],
    ['the token is missing', { role: 'viewer' }, 401],
    ['the token is wrong', { role: 'viewer', token: 'guess' }, 401],
    ['the token is a prefix of the right one', { role: 'viewer', token: 'viewer-sec' }, 401],
    ["the viewer token is used for the agent role", { role: 'agent', token: 'viewer-secret' }, 401],
    ["the agent token is used for the viewer role", { role: 'viewer', token: 'agent-secret' }, 401],
  ])('refuses with %s (HTTP %s via ConnectionRefused) and records nothing', async (_name, credentials, status) => {
    const attempt = connect(world, { connectionId: 'c-1', ...credentials });

    await expect(attempt).rejects.toBeInstanceOf(ConnectionRefused);
    await expect(attempt).rejects.toMatchObject({ statusCode: status });
    expect(await world.connections.get('c-1')).toBeUndefined();
  });
});
