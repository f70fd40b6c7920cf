import { describe, expect, it } from 'vitest';
import { ConfigError, agentIdFromHostName, readAgentConfig } from '../../agent/agent-config';
import { DEFAULT_MAX_BUFFER_BYTES } from '../../agent/transport/memory-budget';

const VALID = { SIDETAIL_URL: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod', SIDETAIL_AGENT_TOKEN: 'secret' };

describe('readAgentConfig', () => {
  it('reads the environment, with no agent id of its own (the credential has it) and Docker on its default socket', () => {
    expect(readAgentConfig(VALID, 'build-box-1.internal')).toEqual({
      url: VALID.SIDETAIL_URL,
      token: 'secret',
      hostName: 'build-box-1.internal',
      dockerHost: undefined,
      maxBufferBytes: DEFAULT_MAX_BUFFER_BYTES,
    });
  });

  it.each([
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64m' }, [], 64 * 1024 ** 2],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '1048576' }, [], 1024 ** 2],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '512KiB' }, [], 512 * 1024],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64m' }, ['--max-buffer-bytes', '1g'], 1024 ** 3],
    [{}, ['--max-buffer-bytes=300k'], 300 * 1024],
  ])('bounds the bytes held across containers by %j and the flags %j (the flag wins)', (env, argv, bytes) => {
    expect(readAgentConfig({ ...VALID, ...env }, 'host', argv).maxBufferBytes).toBe(bytes);
  });

  it.each([
    [{ SIDETAIL_MAX_BUFFER_BYTES: 'lots' }, [], /SIDETAIL_MAX_BUFFER_BYTES=lots is not a size/],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64k' }, [], /below the smallest bound that works, 256k/],
    [{}, ['--max-buffer-bytes'], /--max-buffer-bytes needs a size/],
    [{}, ['--max-buffer-bytes', '-1'], /--max-buffer-bytes=-1 is not a size/],
  ])('refuses a memory bound of %j / %j with a clear ConfigError', (env, argv, message) => {
    expect(() => readAgentConfig({ ...VALID, ...env }, 'host', argv)).toThrow(message);
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
