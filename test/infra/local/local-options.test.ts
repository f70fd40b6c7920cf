import { describe, expect, it } from 'vitest';
import { parseLocalOptions, UsageError } from '../../../infra/local/local-options';

const AGENT_TOKEN = `local-agent.${'a'.repeat(32)}`;
const VIEWER_TOKEN = `local-viewer.${'v'.repeat(32)}`;
/** npm start's defaults for what the local cloud keeps: a laptop's, not AWS's 24 h and 2 days. */
const LAPTOP_BUFFER = { bufferTtlSeconds: 3600, maxBatchObjectBytes: 256 * 1024 * 1024 };

describe('npm start options', () => {
  it.each(['SIDETAIL_AGENT_TOKEN', 'SIDETAIL_VIEWER_TOKEN'])('refuses a %s that is not <credentialId>.<secret>', (name) => {
    expect(() => parseLocalOptions([], { [name]: 'agent-secret' })).toThrow(UsageError);
    expect(() => parseLocalOptions([], { [name]: 'agent-secret' })).toThrow(`${name} must look like <credentialId>.<secret>`);
  });

  it('defaults to the dashboard on 8080 and the WebSocket API on 4510, on 127.0.0.1, keeping an hour of batches and 256 MB of batch objects', () => {
    expect(parseLocalOptions([], {})).toEqual({ port: 8080, gatewayPort: 4510, host: '127.0.0.1', ...LAPTOP_BUFFER });
  });

  it.each([
    [['--buffer-ttl-minutes', '10', '--max-batch-store-mb', '64'], {}],
    [['--buffer-ttl-minutes=10', '--max-batch-store-mb=64'], {}],
    [[], { SIDETAIL_BUFFER_TTL_MINUTES: '10', SIDETAIL_MAX_BATCH_STORE_MB: '64' }],
  ])('takes how long batches live locally and how many MB of batch objects it keeps from %j %j', (argv, env) => {
    expect(parseLocalOptions(argv, env)).toMatchObject({ bufferTtlSeconds: 600, maxBatchObjectBytes: 64 * 1024 * 1024 });
  });

  it.each([
    [['--buffer-ttl-minutes', '0'], '--buffer-ttl-minutes=0 is not a positive whole number'],
    [['--buffer-ttl-minutes', '1.5'], '--buffer-ttl-minutes=1.5 is not a positive whole number'],
    [['--max-batch-store-mb', 'lots'], '--max-batch-store-mb=lots is not a positive whole number'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLocalOptions(argv, {})).toThrow(message);
  });

  it('reads the environment', () => {
    const env = {
      SIDETAIL_PORT: '9000',
      SIDETAIL_GATEWAY_PORT: '9001',
      SIDETAIL_HOST: '0.0.0.0',
      SIDETAIL_AGENT_TOKEN: AGENT_TOKEN,
      SIDETAIL_VIEWER_TOKEN: VIEWER_TOKEN,
      SIDETAIL_AGENT_ID: 'my-host',
      DOCKER_HOST: 'tcp://127.0.0.1:2375',
    };

    expect(parseLocalOptions([], env)).toEqual({
      port: 9000,
      gatewayPort: 9001,
      host: '0.0.0.0',
      agentToken: AGENT_TOKEN,
      viewerToken: VIEWER_TOKEN,
      agentId: 'my-host',
      dockerHost: 'tcp://127.0.0.1:2375',
      ...LAPTOP_BUFFER,
    });
  });

  it.each([
    [['--port', '9100', '--gateway-port', '9101', '--host', '::1']],
    [['--port=9100', '--gateway-port=9101', '--host=::1']],
  ])('lets flags win over the environment: %j', (argv) => {
    const env = { SIDETAIL_PORT: '9000', SIDETAIL_GATEWAY_PORT: '9001', SIDETAIL_HOST: '0.0.0.0' };

    expect(parseLocalOptions(argv, env)).toMatchObject({ port: 9100, gatewayPort: 9101, host: '::1' });
  });

  it.each([
    [['--invocation-delay-ms', '50'], {}],
    [['--invocation-delay-ms=50'], {}],
    [[], { SIDETAIL_INVOCATION_DELAY_MS: '50' }],
  ])('takes a fixed delay for every Lambda invocation from %j %j', (argv, env) => {
    expect(parseLocalOptions(argv, env)).toMatchObject({ invocationDelayMs: 50 });
  });

  it.each([['-5'], ['1.5'], ['soon']])('refuses an invocation delay of %s', (value) => {
    expect(() => parseLocalOptions(['--invocation-delay-ms', value], {})).toThrow('--invocation-delay-ms=' + value + ' is not a whole number of milliseconds');
  });

  it('ignores empty variables', () => {
    expect(parseLocalOptions([], { SIDETAIL_PORT: ' ', SIDETAIL_AGENT_TOKEN: '' })).toEqual({ port: 8080, gatewayPort: 4510, host: '127.0.0.1', ...LAPTOP_BUFFER });
  });

  it.each([['--help'], ['-h']])('answers "help" for %s', (flag) => {
    expect(parseLocalOptions([flag], {})).toBe('help');
  });

  it.each([
    [['--port', 'abc'], {}, '--port=abc is not a port number'],
    [['--port', '70000'], {}, 'not a port number'],
    [[], { SIDETAIL_GATEWAY_PORT: '-1' }, 'SIDETAIL_GATEWAY_PORT=-1 is not a port number'],
    [['--port'], {}, '--port needs a value'],
    [['--verbose'], {}, 'unknown option "--verbose"'],
    [['--port', '9000', '--gateway-port', '9000'], {}, 'cannot share port 9000'],
  ])('refuses %j %j with a clear UsageError', (argv, env, message) => {
    expect(() => parseLocalOptions(argv, env)).toThrow(UsageError);
    expect(() => parseLocalOptions(argv, env)).toThrow(message);
  });
});
