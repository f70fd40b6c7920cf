import { describe, expect, it } from 'vitest';
import { subscribeRefusal } from '../../../lambdas/handlers/subscribe-refusal';

const body = JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1', afterSeq: 'not a number' });

describe('subscribeRefusal', () => {
  it.each([
    ['internal', true],
    ['unknown_target', false],
    ['limit_exceeded', false],
    ['malformed', false],
    ['forbidden', false],
  ] as const)('says %s is retry: %s, naming the container even of a body that failed validation', (code, retry) => {
    expect(subscribeRefusal(body, code)).toEqual({ agentId: 'host-1', containerId: 'c1', retry });
  });

  it.each([
    ['not JSON', '{"action":'],
    ['no body', undefined],
    ['a container without its agent', JSON.stringify({ containerId: 'c1' })],
    ['an id that could not be one', JSON.stringify({ agentId: 'host-1', containerId: 'a#b' })],
  ])('names no container for %s', (_name, text) => {
    expect(subscribeRefusal(text, 'malformed')).toEqual({ retry: false });
  });
});
