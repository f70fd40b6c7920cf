import { describe, expect, it } from 'vitest';
import { ConfigError, agentIdFromHostName, readAgentConfig } from '../../agent/agent-config';

const VALID = { SIDETAIL_URL: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod', SIDETAIL_AGENT_TOKEN: 'secret' };

describe('readAgentConfig', () => {
  it('reads the environment, with no agent id of its own (the credential has it) and Docker on its default socket', () => {
    expect(readAgentConfig(VALID, 'build-box-1.internal')).toEqual({
      url: VALID.SIDETAIL_URL,
      token: 'secret',
      hostName: 'build-box-1.internal',
      dockerHost: undefined,
    });
  });

  it('takes DOCKER_HOST when set', () => {
    const config = readAgentConfig({ ...VALID, DOCKER_HOST: 'unix:///run/docker.sock' }, 'host');

    expect(config).toMatchObject({ dockerHost: 'unix:///run/docker.sock' });
  });

  it.each([
    [{ SIDETAIL_AGENT_TOKEN: 'secret' }, /SIDETAIL_URL is required/],
    [{ ...VALID, SIDETAIL_URL: 'https://example.com/prod' }, /must start with ws:\/\/ or wss:\/\//],
    [{ ...VALID, SIDETAIL_URL: 'not a url' }, /is not a URL/],
    [{ ...VALID, SIDETAIL_URL: 'wss://x/prod?token=1' }, /must not have a query string/],
    [{ SIDETAIL_URL: VALID.SIDETAIL_URL }, /SIDETAIL_AGENT_TOKEN is required/],
    [{ ...VALID, SIDETAIL_AGENT_TOKEN: '   ' }, /SIDETAIL_AGENT_TOKEN is required/],
    [{ ...VALID, SIDETAIL_AGENT_ID: 'edge-7' }, /SIDETAIL_AGENT_ID is no longer read: the agent id is the one its credential/],
    [{ ...VALID, DOCKER_HOST: 'ssh://me@box' }, /DOCKER_HOST=ssh:\/\/me@box/],
  ])('fails fast with a clear ConfigError on %j', (env, message) => {
    expect(() => readAgentConfig(env, 'host')).toThrow(ConfigError);
    expect(() => readAgentConfig(env, 'host')).toThrow(message);
  });
});

describe('agentIdFromHostName', () => {
  it.each([
    ['build-box-1', 'build-box-1'],
    ['My Laptop (2)', 'My-Laptop--2-'],
    ['_private.host', 'private.host'],
    ['###', 'agent'],
    ['x'.repeat(300), 'x'.repeat(128)],
  ])('makes %j into the safe id %j', (hostName, id) => {
    expect(agentIdFromHostName(hostName)).toBe(id);
  });
});
