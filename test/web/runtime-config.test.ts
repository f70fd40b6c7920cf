import { describe, expect, it } from 'vitest';
import { ConfigError, loadRuntimeConfig, parseRuntimeConfig, viewerSocketUrl } from '../../web/src/config/runtime-config';

const respond = (status: number, body: () => unknown) => async () => ({
  ok: status >= 200 && status < 300,
  status,
  json: async () => body(),
});

describe('parseRuntimeConfig', () => {
  it.each(['wss://abc.execute-api.eu-west-1.amazonaws.com/prod', 'ws://127.0.0.1:4510/local'])('accepts %s', (wsUrl) => {
    expect(parseRuntimeConfig({ wsUrl })).toEqual({ wsUrl });
  });

  it.each([
    ['no wsUrl', {}],
    ['an http URL', { wsUrl: 'https://example.com' }],
    ['not an object', 'wss://x'],
  ])('rejects %s with a ConfigError', (_name, json) => {
    expect(() => parseRuntimeConfig(json)).toThrow(ConfigError);
  });
});

describe('loadRuntimeConfig', () => {
  it('fetches and validates config.json without the HTTP cache', async () => {
    const calls: unknown[] = [];
    const fetchFn = async (url: string, init?: unknown) => {
      calls.push([url, init]);
      return respond(200, () => ({ wsUrl: 'ws://127.0.0.1:1/local' }))();
    };

    const config = await loadRuntimeConfig(fetchFn);

    expect(config).toEqual({ wsUrl: 'ws://127.0.0.1:1/local' });
    expect(calls).toEqual([['config.json', { cache: 'no-store' }]]);
  });

  it.each([
    ['an HTTP error', respond(404, () => ({})), /HTTP 404/],
    ['a body that is not JSON', respond(200, () => { throw new SyntaxError('Unexpected token <'); }), /not JSON/],
    ['a network failure', async () => { throw new TypeError('Failed to fetch'); }, /Failed to fetch/],
    ['a config without wsUrl', respond(200, () => ({ url: 'x' })), /wsUrl/],
  ])('turns %s into a ConfigError', async (_name, fetchFn, message) => {
    await expect(loadRuntimeConfig(fetchFn)).rejects.toThrow(ConfigError);
    await expect(loadRuntimeConfig(fetchFn)).rejects.toThrow(message);
  });
});

describe('viewerSocketUrl', () => {
  it('adds the viewer role and the URL-encoded token', () => {
    expect(viewerSocketUrl('wss://x.example/prod', 'a b&c=d')).toBe('wss://x.example/prod?role=viewer&token=a%20b%26c%3Dd');
  });

  it('appends to an existing query string', () => {
    expect(viewerSocketUrl('ws://127.0.0.1:1/local?x=1', 't')).toBe('ws://127.0.0.1:1/local?x=1&role=viewer&token=t');
  });
});
