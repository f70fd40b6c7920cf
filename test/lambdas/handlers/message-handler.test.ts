import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../../protocol';
import { messageHandler } from '../../../lambdas/handlers/message-handler';
import { agentBatch } from '../../support/packed-batches';
import { addAgent, addViewer, container, createWorld, EPOCH, lines, NOW, type World } from '../domain/in-memory-deps';
import { AGENT_IDENTITY, messageEvent, VIEWER_IDENTITY } from './events';

/** As the $connect authorizer admitted them: `handle` puts these on the event, as API Gateway does. */
const IDENTITIES: Record<string, typeof AGENT_IDENTITY> = { 'agent-conn': AGENT_IDENTITY, 'viewer-1': VIEWER_IDENTITY };

const batchBody = (containerId = 'c1', text?: (seq: number) => string) => JSON.stringify(agentBatch(containerId, EPOCH, lines(1, 2, text)));

describe('message route wrapper', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world, 'host-1', 'agent-conn', ['c1']);
    await addViewer(world, 'viewer-1');
  });
  const handle = (action: Parameters<typeof messageHandler>[0], connectionId: string, body: string | undefined, base64 = false) =>
    messageHandler(action, () => world)(messageEvent(action, connectionId, body, base64, IDENTITIES[connectionId]));

  it('runs the domain function for a valid message and answers 200', async () => {
    const result = await handle('ping', 'viewer-1', JSON.stringify({ action: 'ping' }));

    expect(result).toEqual({ statusCode: 200 });
    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'pong' }]);
  });

  it.each([
    ['text that is not JSON', '{"action":"log.batch",', 'malformed'],
    ['an empty body', '', 'malformed'],
    ['JSON of the wrong shape', JSON.stringify({ action: 'log.batch', containerId: 'c1', firstSeq: 'one' }), 'malformed'],
    ['a body above 128 KB', JSON.stringify({ ...agentBatch('c1', EPOCH, lines(1, 1)), data: 'A'.repeat(MAX_MESSAGE_BYTES) }), 'too_large'],
  ])('answers %s with error %s to the sender, and stores nothing', async (_name, body, code) => {
    const result = await handle('log.batch', 'agent-conn', body);

    expect(result).toEqual({ statusCode: 200 });
    expect(world.messenger.to('agent-conn')).toEqual([expect.objectContaining({ action: 'error', code, requestAction: 'log.batch' })]);
    expect(world.buffer.lines(container())).toEqual([]);
  });

  it('answers a viewer sending log.batch with forbidden, and stores nothing', async () => {
    const result = await handle('log.batch', 'viewer-1', batchBody());

    expect(result).toEqual({ statusCode: 200 });
    expect(world.messenger.to('viewer-1')).toEqual([
      {
        action: 'error',
        code: 'forbidden',
        message: 'a viewer connection may not send log.batch',
        requestAction: 'log.batch',
        containerId: 'c1',
        firstSeq: 1,
        lastSeq: 2,
        retry: false,
      },
    ]);
    expect(world.buffer.lines(container())).toEqual([]);
  });

  it('answers an agent sending log.subscribe with forbidden', async () => {
    await handle('log.subscribe', 'agent-conn', JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' }));

    expect(world.messenger.to('agent-conn')).toEqual([expect.objectContaining({ code: 'forbidden' })]);
    expect(world.subscriptions.of('agent-conn')).toEqual([]);
  });

  it('takes the role from the authorizer context, not from any record of the connection', async () => {
    await world.connections.remove('agent-conn');

    await handle('log.batch', 'agent-conn', batchBody());

    expect(world.buffer.lines(container())).toEqual(lines(1, 2));
  });

  it('stores an agent\'s batch under the agent id of its credential', async () => {
    await addAgent(world, 'other-host', 'agent-conn', ['c1']);
    const event = messageEvent('log.batch', 'agent-conn', batchBody(), false, { ...AGENT_IDENTITY, agentId: 'other-host' });

    await messageHandler('log.batch', () => world)(event);

    expect(world.buffer.lines(container('c1', 'other-host'))).toEqual(lines(1, 2));
    expect(world.buffer.lines(container('c1', 'host-1'))).toEqual([]);
  });

  it('answers a connection without an authorizer identity with forbidden', async () => {
    await handle('ping', 'stranger', JSON.stringify({ action: 'ping' }));

    expect(world.messenger.to('stranger')).toEqual([expect.objectContaining({ code: 'forbidden' })]);
  });

  it("sends a domain rejection back with the route's action", async () => {
    await handle('log.subscribe', 'viewer-1', JSON.stringify({ action: 'log.subscribe', agentId: 'nobody', containerId: 'c1' }));

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ code: 'unknown_target', requestAction: 'log.subscribe' })]);
  });

  it('answers a subscribe above the per-connection cap with limit_exceeded, and records nothing', async () => {
    const held = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, (_, i) => `held-${i}`);
    await addAgent(world, 'host-1', 'agent-conn', [...held, 'c1']);
    for (const id of held) await world.subscriptions.add('viewer-1', container(id));

    await handle('log.subscribe', 'viewer-1', JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1', op: 1 }));

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ code: 'limit_exceeded', requestAction: 'log.subscribe' })]);
    expect(world.subscriptions.of('viewer-1')).not.toContain('host-1/c1');
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['above 2^53', 2 ** 53],
    ['a string', '1'],
  ])('answers a subscribe whose op is %s with malformed, and records nothing', async (_name, op) => {
    await handle('log.subscribe', 'viewer-1', JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1', op }));

    expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ code: 'malformed', requestAction: 'log.subscribe' })]);
    expect(world.subscriptions.of('viewer-1')).toEqual([]);
  });

  it('logs an unexpected failure with its context, answers internal, and returns 500', async () => {
    world.buffer.put = async () => {
      throw new Error('table is on fire');
    };

    const result = await handle('log.batch', 'agent-conn', batchBody());

    expect(result).toEqual({ statusCode: 500 });
    expect(world.messenger.to('agent-conn')).toEqual([expect.objectContaining({ action: 'error', code: 'internal', requestAction: 'log.batch' })]);
    expect(world.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        context: expect.objectContaining({ connectionId: 'agent-conn', action: 'log.batch', error: 'Error: table is on fire' }),
      }),
    );
  });

  it('still returns 500 and logs both failures when the error answer cannot be sent either, even after retrying', async () => {
    world.buffer.put = async () => {
      throw new Error('table is on fire');
    };
    world.messenger.failing.add('agent-conn');

    const result = await handle('log.batch', 'agent-conn', batchBody());

    expect(result).toEqual({ statusCode: 500 });
    expect(world.logger.entries.map((e) => e.message)).toEqual(['message failed', 'delivery failed', 'could not send error to caller']);
    expect(world.messenger.attempts.get('agent-conn')).toBeGreaterThan(1);
  });

  it('hands the domain the time API Gateway received the message, which orders a viewer unsubscribe after its later subscribe', async () => {
    const subscribe = messageEvent('log.subscribe', 'viewer-1', JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' }), false, VIEWER_IDENTITY);
    const unsubscribe = messageEvent('log.unsubscribe', 'viewer-1', JSON.stringify({ action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' }), false, VIEWER_IDENTITY);

    await messageHandler('log.subscribe', () => world)({ ...subscribe, requestContext: { ...subscribe.requestContext, requestTimeEpoch: 2000 } });
    await messageHandler('log.unsubscribe', () => world)({ ...unsubscribe, requestContext: { ...unsubscribe.requestContext, requestTimeEpoch: 1000 } });

    expect(world.subscriptions.of('viewer-1')).toEqual(['host-1/c1']);
  });

  it('checks a batch against MAX_BATCH_BYTES by the size of the body as received', async () => {
    // The schema drops the unknown field, so a re-encoded batch would look small; the body is not.
    const body = JSON.stringify({ ...agentBatch('c1', EPOCH, lines(1, 2)), padding: 'p'.repeat(MAX_BATCH_BYTES) });

    await handle('log.batch', 'agent-conn', body);

    expect(world.messenger.to('agent-conn')).toEqual([expect.objectContaining({ action: 'error', code: 'too_large' })]);
    expect(world.buffer.lines(container())).toEqual([]);
  });

  it('reads a base64-encoded frame as its text', async () => {
    await handle('ping', 'viewer-1', Buffer.from(JSON.stringify({ action: 'ping' })).toString('base64'), true);

    expect(world.messenger.to('viewer-1')).toEqual([{ action: 'pong' }]);
  });

  it('returns 500 and logs when its dependencies cannot be built', async () => {
    const failing = messageHandler('ping', () => {
      throw new Error('TABLE_NAME is required');
    });
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await failing(messageEvent('ping', 'viewer-1', JSON.stringify({ action: 'ping' })))).toEqual({ statusCode: 500 });
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/TABLE_NAME is required/);
  });

  describe('every refusal of a log.batch names the batch and says whether to retry', () => {
    it('answers a batch that failed after it was stored with internal, its containerId and seqs, and retry: true', async () => {
      world.subscriptions.subscriberIds = () => Promise.reject(new Error('throttled'));

      const result = await handle('log.batch', 'agent-conn', batchBody());

      expect(result).toEqual({ statusCode: 500 });
      expect(world.buffer.lines(container())).toEqual(lines(1, 2));
      expect(world.messenger.to('agent-conn')).toEqual([
        expect.objectContaining({ action: 'error', code: 'internal', requestAction: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 2, retry: true }),
      ]);
    });

    it('answers a batch that clashes with a stored one with conflict and retry: false', async () => {
      await handle('log.batch', 'agent-conn', batchBody());
      world.messenger.sent.length = 0;

      await handle('log.batch', 'agent-conn', batchBody('c1', (seq) => `other ${seq}`));

      expect(world.messenger.to('agent-conn')).toEqual([
        expect.objectContaining({ code: 'conflict', containerId: 'c1', firstSeq: 1, lastSeq: 2, retry: false }),
      ]);
      expect(world.buffer.lines(container())).toEqual(lines(1, 2));
    });

    it.each([
      { name: 'too large', code: 'too_large', body: JSON.stringify({ ...agentBatch('c1', EPOCH, lines(1, 2)), padding: 'p'.repeat(MAX_BATCH_BYTES) }) },
      { name: 'malformed but readable', code: 'malformed', body: JSON.stringify({ action: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 2, data: 'not base64!' }) },
      { name: 'not deflate-raw', code: 'malformed', body: JSON.stringify({ ...agentBatch('c1', EPOCH, lines(1, 2)), data: Buffer.from('not deflated').toString('base64') }) },
    ])('answers a batch that is $name with $code, its containerId and seqs, and retry: false', async ({ body, code }) => {
      const retry = false;
      await handle('log.batch', 'agent-conn', body);

      expect(world.messenger.to('agent-conn')).toEqual([expect.objectContaining({ code, containerId: 'c1', firstSeq: 1, lastSeq: 2, retry })]);
    });

    it('names no batch when the body cannot be read', async () => {
      await handle('log.batch', 'agent-conn', '{"action":"log.batch",');

      expect(world.messenger.to('agent-conn')).toEqual([
        { action: 'error', code: 'malformed', message: expect.any(String), requestAction: 'log.batch', retry: false },
      ]);
    });
  });

  describe('every refusal of a log.subscribe names the container and says whether to retry', () => {
    const subscribeBody = (containerId = 'c1') => JSON.stringify({ action: 'log.subscribe', agentId: 'host-1', containerId });

    it('answers a subscribe whose history could not be posted with internal, its agentId and containerId, and retry: true, after starting the stream', async () => {
      world.messenger.beforeSend = async (_connectionId, message) => {
        if (message.action === 'log.history') throw Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
      };

      const result = await handle('log.subscribe', 'viewer-1', subscribeBody());

      expect(result).toEqual({ statusCode: 500 });
      expect(world.messenger.to('agent-conn').map((m) => m.action)).toEqual(['log.stream.start']);
      expect(world.messenger.to('viewer-1')).toEqual([
        expect.objectContaining({ action: 'error', code: 'internal', requestAction: 'log.subscribe', agentId: 'host-1', containerId: 'c1', retry: true }),
      ]);
    });

    it('answers a subscribe to an unknown container with unknown_target, its agentId and containerId, and retry: false', async () => {
      await handle('log.subscribe', 'viewer-1', subscribeBody('nope'));

      expect(world.messenger.to('viewer-1')).toEqual([
        expect.objectContaining({ action: 'error', code: 'unknown_target', requestAction: 'log.subscribe', agentId: 'host-1', containerId: 'nope', retry: false }),
      ]);
    });

    it('gets the error answer through a throttled post with the retries of a broadcast', async () => {
      world.messenger.failTimes.set('viewer-1', 2);

      await handle('log.subscribe', 'viewer-1', subscribeBody('nope'));

      expect(world.messenger.to('viewer-1')).toEqual([expect.objectContaining({ action: 'error', code: 'unknown_target', containerId: 'nope' })]);
    });

    it('names no container when the body cannot be read', async () => {
      await handle('log.subscribe', 'viewer-1', '{"action":"log.subscribe",');

      expect(world.messenger.to('viewer-1')).toEqual([
        { action: 'error', code: 'malformed', message: expect.any(String), requestAction: 'log.subscribe', retry: false },
      ]);
    });
  });

  it("stops retrying failed posts in time for the ack, by the Lambda context's remaining time", async () => {
    await world.subscriptions.add('viewer-1', container());
    world.messenger.failing.add('viewer-1');
    const event = messageEvent('log.batch', 'agent-conn', batchBody(), false, AGENT_IDENTITY);

    await messageHandler('log.batch', () => world)(event, { getRemainingTimeInMillis: () => 2_500, awsRequestId: 'req-1' });

    expect(world.messenger.attempts.get('viewer-1')).toBeGreaterThan(1);
    expect(world.clock.now()).toBeLessThanOrEqual(NOW + 2_500);
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 2 }]);
  });
});
