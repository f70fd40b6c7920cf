import { describe, expect, it } from 'vitest';
import { ConfigError, agentCommand, agentIdFromHostName, readAgentConfig } from '../../agent/agent-config';
import { AGENT_OPTIONS } from '../../agent/agent-options';
import { DEFAULT_MAX_BUFFER_BYTES } from '../../agent/transport/memory-budget';
import { MAX_LINE_BYTES } from '../../protocol';

const VALID = { SIDETAIL_URL: 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod', SIDETAIL_AGENT_TOKEN: 'secret' };

describe('readAgentConfig', () => {
  it('reads the environment, with no agent id or host name of its own and Docker on its default socket', () => {
    expect(readAgentConfig(VALID)).toEqual({
      url: VALID.SIDETAIL_URL,
      token: 'secret',
      agentId: undefined,
      hostName: undefined,
      dockerHost: undefined,
      optIn: false,
      maxBufferBytes: DEFAULT_MAX_BUFFER_BYTES,
      maxLineBytes: MAX_LINE_BYTES,
    });
  });

  it.each([
    [{ SIDETAIL_MAX_LINE_BYTES: '64k' }, [], 64 * 1024],
    [{ SIDETAIL_MAX_LINE_BYTES: '1024' }, [], 1024],
    [{ SIDETAIL_MAX_LINE_BYTES: '256KiB' }, [], 256 * 1024],
    [{ SIDETAIL_MAX_LINE_BYTES: '64k' }, ['--max-line-bytes', '16k'], 16 * 1024],
  ])('caps lines at %j and the flags %j (the flag wins)', (env, argv, bytes) => {
    expect(readAgentConfig({ ...VALID, ...env }, argv).maxLineBytes).toBe(bytes);
  });

  it.each([
    [{ SIDETAIL_MAX_LINE_BYTES: 'long' }, [], /SIDETAIL_MAX_LINE_BYTES=long is not a size/],
    [{ SIDETAIL_MAX_LINE_BYTES: '1023' }, [], /outside 1k to 256k/],
    [{}, ['--max-line-bytes', '1m'], /--max-line-bytes=1m is outside 1k to 256k/],
    [{}, ['--max-line-bytes'], /--max-line-bytes needs a value/],
  ])('refuses a line cap of %j / %j with a clear ConfigError', (env, argv, message) => {
    expect(() => readAgentConfig({ ...VALID, ...env }, argv)).toThrow(message);
  });

  it.each([
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64m' }, [], 64 * 1024 ** 2],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '1048576' }, [], 1024 ** 2],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '512KiB' }, [], 512 * 1024],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64m' }, ['--max-buffer-bytes', '1g'], 1024 ** 3],
    [{}, ['--max-buffer-bytes=300k'], 300 * 1024],
  ])('bounds the bytes held across containers by %j and the flags %j (the flag wins)', (env, argv, bytes) => {
    expect(readAgentConfig({ ...VALID, ...env }, argv).maxBufferBytes).toBe(bytes);
  });

  it.each([
    [{ SIDETAIL_MAX_BUFFER_BYTES: 'lots' }, [], /SIDETAIL_MAX_BUFFER_BYTES=lots is not a size/],
    [{ SIDETAIL_MAX_BUFFER_BYTES: '64k' }, [], /below the smallest bound that works, 256k/],
    [{}, ['--max-buffer-bytes'], /--max-buffer-bytes needs a value/],
    [{}, ['--max-buffer-bytes', '-1'], /--max-buffer-bytes=-1 is not a size/],
  ])('refuses a memory bound of %j / %j with a clear ConfigError', (env, argv, message) => {
    expect(() => readAgentConfig({ ...VALID, ...env }, argv)).toThrow(message);
  });

  it('takes DOCKER_HOST when set', () => {
    const config = readAgentConfig({ ...VALID, DOCKER_HOST: 'unix:///run/docker.sock' });

    expect(config).toMatchObject({ dockerHost: 'unix:///run/docker.sock' });
  });

  it('takes every setting from flags as well as from the environment', () => {
    const config = readAgentConfig({}, [
      '--url', 'ws://127.0.0.1:4510/local',
      '--token=abc.def',
      '--agent-id', 'edge-7',
      '--host-name', 'edge 7 (rack 2)',
      '--docker-host', 'tcp://socket-proxy:2375',
      '--opt-in',
      '--max-buffer-bytes', '32m',
      '--max-line-bytes', '8k',
    ]);

    expect(config).toEqual({
      url: 'ws://127.0.0.1:4510/local',
      token: 'abc.def',
      agentId: 'edge-7',
      hostName: 'edge 7 (rack 2)',
      dockerHost: 'tcp://socket-proxy:2375',
      optIn: true,
      maxBufferBytes: 32 * 1024 ** 2,
      maxLineBytes: 8 * 1024,
    });
  });

  it('lets a flag win over its environment variable', () => {
    const config = readAgentConfig({ ...VALID, SIDETAIL_HOST_NAME: 'from-env', SIDETAIL_OPT_IN: 'true' }, ['--host-name', 'from-flag', '--opt-in=false']);

    expect(config).toMatchObject({ hostName: 'from-flag', optIn: false });
  });

  it('takes the expected agent id and the display host name from SIDETAIL_AGENT_ID and SIDETAIL_HOST_NAME', () => {
    const config = readAgentConfig({ ...VALID, SIDETAIL_AGENT_ID: 'edge-7', SIDETAIL_HOST_NAME: 'edge-7.example.com' });

    expect(config).toMatchObject({ agentId: 'edge-7', hostName: 'edge-7.example.com' });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['FALSE', false],
    ['0', false],
    ['', false],
  ])('reads SIDETAIL_OPT_IN=%j as %s', (value, optIn) => {
    expect(readAgentConfig({ ...VALID, SIDETAIL_OPT_IN: value })).toMatchObject({ optIn });
  });

  it.each([
    [{ SIDETAIL_AGENT_TOKEN: 'secret' }, [], /SIDETAIL_URL \(--url\) is required/],
    [{ ...VALID, SIDETAIL_URL: 'https://example.com/prod' }, [], /must start with ws:\/\/ or wss:\/\//],
    [{ ...VALID, SIDETAIL_URL: 'not a url' }, [], /is not a URL/],
    [{ ...VALID, SIDETAIL_URL: 'wss://x/prod?token=1' }, [], /must not have a query string/],
    [{ SIDETAIL_URL: VALID.SIDETAIL_URL }, [], /SIDETAIL_AGENT_TOKEN \(--token\) is required/],
    [{ ...VALID, SIDETAIL_AGENT_TOKEN: '   ' }, [], /SIDETAIL_AGENT_TOKEN \(--token\) is required/],
    [{ ...VALID, SIDETAIL_AGENT_ID: 'edge 7' }, [], /SIDETAIL_AGENT_ID=edge 7 is not an agent id/],
    [{ ...VALID, DOCKER_HOST: 'ssh://me@box' }, [], /DOCKER_HOST=ssh:\/\/me@box/],
    [{ ...VALID, SIDETAIL_OPT_IN: 'maybe' }, [], /SIDETAIL_OPT_IN=maybe: expected true or false/],
    [{ ...VALID, SIDETAIL_HOST_NAME: 'x'.repeat(257) }, [], /SIDETAIL_HOST_NAME is longer than 256 characters/],
    [VALID, ['--colour'], /unknown option "--colour"; see --help/],
    [VALID, ['stray'], /unexpected argument "stray"; see --help/],
    [VALID, ['--host-name'], /--host-name needs a value/],
    [VALID, ['--opt-in=perhaps'], /--opt-in=perhaps: expected true or false/],
  ])('fails fast with a clear ConfigError on %j %j', (env, argv, message) => {
    expect(() => readAgentConfig(env, argv)).toThrow(ConfigError);
    expect(() => readAgentConfig(env, argv)).toThrow(message);
  });

  it('names the flag, not the variable, when the bad value came from a flag', () => {
    expect(() => readAgentConfig(VALID, ['--url', 'http://x/prod'])).toThrow(/^--url=http:\/\/x\/prod must start with ws:\/\/ or wss:\/\//);
  });
});

describe('agentCommand', () => {
  it.each([
    [[], 'run'],
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['--url', 'ws://x/y', '--help'], 'help'],
    [['--version'], 'version'],
  ])('makes %j a %j', (argv, command) => {
    expect(agentCommand(argv)).toBe(command);
  });
});

describe('the connection\'s maximum age', () => {
  it('is read in minutes from SIDETAIL_CONNECTION_MAX_AGE or --connection-max-age', () => {
    expect(readAgentConfig({ ...VALID, SIDETAIL_CONNECTION_MAX_AGE: '90' })).toMatchObject({ connectionMaxAgeMs: 90 * 60_000 });
    expect(readAgentConfig(VALID, ['--connection-max-age', '1.5'])).toMatchObject({ connectionMaxAgeMs: 90_000 });
    expect(readAgentConfig(VALID).connectionMaxAgeMs).toBeUndefined();
  });

  it.each(['120', '0', 'soon', '-5'])('refuses %j: a replacement must come before API Gateway closes at 120 minutes', (value) => {
    expect(() => readAgentConfig({ ...VALID, SIDETAIL_CONNECTION_MAX_AGE: value })).toThrow(/SIDETAIL_CONNECTION_MAX_AGE=.*expected minutes from 1 to under 120/);
  });
});

describe('the table of options', () => {
  it('gives every option a flag and every setting an environment variable of its own', () => {
    const flags = AGENT_OPTIONS.map((o) => o.flag);
    const envs = AGENT_OPTIONS.map((o) => o.env);

    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
    expect(envs.every((e) => /^[A-Z][A-Z0-9_]*$/.test(e))).toBe(true);
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
