import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../protocol';
import { defaultHandler } from '../../../lambdas/handlers/default';
import { addViewer, createWorld, type World } from '../domain/in-memory-deps';
import { messageEvent, VIEWER_IDENTITY } from './events';

describe('$default route', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, 'viewer-1');
  });
  // As API Gateway delivers it: with the identity the $connect authorizer gave the connection.
  const send = (body: string | undefined) => defaultHandler(() => world)(messageEvent('$default', 'viewer-1', body, false, VIEWER_IDENTITY));

  it('answers an action nobody serves with unknown_action, naming it', async () => {
    const result = await send(JSON.stringify({ action: 'log.delete' }));

    expect(result).toEqual({ statusCode: 200 });
    expect(world.messenger.to('viewer-1')).toEqual([
      { action: 'error', code: 'unknown_action', message: 'no route for action "log.delete"', requestAction: 'log.delete' },
    ]);
  });

  it.each([
    ['text that is not JSON', 'hello', 'malformed'],
    ['JSON without an action', '{"agentId":"host-1"}', 'malformed'],
    ['an action that is not a string', '{"action":42}', 'malformed'],
    ['an empty body', '', 'malformed'],
    ['no body at all', undefined, 'malformed'],
    ['a body above 128 KB', JSON.stringify({ action: 'log.delete', pad: 'x'.repeat(MAX_MESSAGE_BYTES) }), 'too_large'],
  ])('answers %s with %s', async (_name, body, code) => {
    const result = await send(body);

    expect(result).toEqual({ statusCode: 200 });
    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ action: 'error', code })]);
  });

  it('handles a known action that reached it as its own route would', async () => {
    await send(JSON.stringify({ action: 'ping' }));

    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'pong' }]);
  });
});
