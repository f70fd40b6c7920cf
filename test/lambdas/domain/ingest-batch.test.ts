import { deflateRawSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_BATCH_BYTES, MAX_BATCH_LINES, packLines, ProtocolError, type AgentLogBatch } from '../../../protocol';
import { packedBytes } from '../../../protocol/packed-zlib';
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import { RESERVED_MS, RETRY_WINDOW_MS } from '../../../lambdas/domain/deliver';
import { ingestBatch } from '../../../lambdas/domain/ingest-batch';
import { agentBatch, linesOfPacked } from '../../support/packed-batches';
import { addAgent, addViewer, container, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

const agent = { connectionId: 'agent-conn', role: 'agent', requestTime: NOW, agentId: 'host-1' } as const;
const batch = (first: number, last: number, epoch = EPOCH, text?: (seq: number) => string) => agentBatch('c1', epoch, lines(first, last, text));
const other = (seq: number) => `other ${seq}`;
/** The viewer's log.batch for an agent's: the message as it came, plus the agent id. */
const relayed = (sent: AgentLogBatch) => ({ ...sent, agentId: 'host-1' });
/** A batch's raw body bytes, deflated as given: for bodies no agent would send. */
const withBody = (first: number, last: number, body: string | Buffer): AgentLogBatch => ({
  action: 'log.batch', containerId: 'c1', epoch: EPOCH, firstSeq: first, lastSeq: last, data: deflateRawSync(body).toString('base64'),
});
/** The batch as `count` parts: each the next piece of its compressed bytes. */
function partsOf(whole: AgentLogBatch, count: number): AgentLogBatch[] {
  const bytes = packedBytes(whole.data);
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, index) => ({ ...whole, data: bytes.subarray(index * size, (index + 1) * size).toString('base64'), part: { index, count } }));
}

describe('ingestBatch', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld({ bufferLines: 10 });
    await addAgent(world);
    for (const id of ['viewer-1', 'viewer-2', 'viewer-3']) {
      await addViewer(world, id);
      await world.subscriptions.add(id, container());
    }
  });

  it('stores the batch and broadcasts it, with the agent id, to every subscriber', async () => {
    await ingestBatch(world, agent, batch(1, 3));

    expect(world.buffer.lines(container())).toEqual(lines(1, 3));
    for (const id of ['viewer-1', 'viewer-2', 'viewer-3']) {
      expect(world.messenger.to(id)).toEqual([relayed(batch(1, 3))]);
    }
  });

  it('encodes the broadcast once and posts the same text to every subscriber', async () => {
    await ingestBatch(world, agent, batch(1, 3));

    const payloads = new Set(world.messenger.sent.filter((s) => s.connectionId.startsWith('viewer')).map((s) => s.payload));
    expect(payloads.size).toBe(1);
    expect([...payloads][0]).toBeInstanceOf(EncodedMessage);
  });

  it('measures the batch by the size of the message as received', async () => {
    const attempt = ingestBatch(world, { ...agent, messageBytes: MAX_BATCH_BYTES + 1 }, batch(1, 3));

    await expect(attempt).rejects.toMatchObject({ code: 'too_large' });
    expect(world.buffer.lines(container())).toEqual([]);
  });

  it('accepts a batch received at exactly MAX_BATCH_BYTES', async () => {
    await ingestBatch(world, { ...agent, messageBytes: MAX_BATCH_BYTES }, batch(1, 3));

    expect(world.buffer.lines(container())).toEqual(lines(1, 3));
  });

  it('removes a gone subscriber with all its items and still delivers to the others', async () => {
    await world.subscriptions.add('viewer-2', container('c2'));
    world.messenger.gone.add('viewer-2');

    await ingestBatch(world, agent, batch(1, 3));

    expect(world.messenger.to('viewer-1')).toHaveLength(1);
    expect(world.messenger.to('viewer-3')).toHaveLength(1);
    expect(world.subscriptions.of('viewer-2')).toEqual([]);
    expect(await world.connections.get('viewer-2')).toBeUndefined();
    expect(await world.connections.viewerIds()).not.toContain('viewer-2');
  });

  it('still delivers to the others when sending to one subscriber fails, and logs that one', async () => {
    world.messenger.failing.add('viewer-1');

    await ingestBatch(world, agent, batch(1, 3));

    expect(world.messenger.to('viewer-2')).toHaveLength(1);
    expect(world.messenger.to('viewer-3')).toHaveLength(1);
    expect(world.logger.entries).toEqual([expect.objectContaining({ level: 'warn', context: expect.objectContaining({ connectionId: 'viewer-1' }) })]);
  });

  it('removes the container subscriber item of a gone subscriber even when nothing of the connection leads to it', async () => {
    world.subscriptions.plantSubscriberItem('orphan', container());
    world.messenger.gone.add('orphan');

    await ingestBatch(world, agent, batch(1, 3));

    expect(await world.subscriptions.subscriberIds(container())).not.toContain('orphan');
    expect(world.messenger.to('viewer-1')).toHaveLength(1);
  });

  it('tells the agent to stop, after the ack, when its last subscriber turns out to be gone', async () => {
    for (const id of ['viewer-1', 'viewer-2', 'viewer-3']) world.messenger.gone.add(id);

    await ingestBatch(world, agent, batch(1, 3));

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'log.ack', containerId: 'c1', seq: 3 },
      { action: 'log.stream.stop', containerId: 'c1' },
    ]);
  });

  it('acks the batch to the agent by its last seq, after storing and broadcasting it', async () => {
    await ingestBatch(world, agent, batch(4, 9));

    expect(world.buffer.lines(container())).toEqual(lines(4, 9));
    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 9 }]);
  });

  it('does not ack a batch it could not store', async () => {
    world.buffer.put = () => Promise.reject(new Error('throttled'));

    await expect(ingestBatch(world, agent, batch(1, 3))).rejects.toThrow('throttled');

    expect(world.messenger.to('agent-conn')).toEqual([]);
  });

  it('stores the compressed bytes as they came, never re-encoding the lines', async () => {
    const sent = batch(1, 3);

    await ingestBatch(world, agent, sent);

    const [stored] = world.buffer.batches.get('host-1/c1')!;
    expect(Buffer.from(stored!.data).toString('base64')).toBe(sent.data);
    expect(stored).toMatchObject({ epoch: EPOCH, firstSeq: 1, lastSeq: 3, lineCount: 3 });
  });

  it('deletes nothing however many lines are stored: old batches expire instead (TTL)', async () => {
    for (let first = 1; first <= 25; first += 5) await ingestBatch(world, agent, batch(first, first + 4));
    await ingestBatch(world, agent, batch(1, 2, EPOCH + 1));

    expect(world.buffer.lines(container(), EPOCH).map((l) => l.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('stores the same batch twice as one', async () => {
    await ingestBatch(world, agent, batch(1, 3));
    await ingestBatch(world, agent, batch(1, 3));

    expect(world.buffer.lines(container())).toEqual(lines(1, 3));
  });

  it('rejects a batch from a newer connection of the agent that has not registered yet, storing nothing', async () => {
    const unregistered = { ...agent, connectionId: 'new-conn', connectedAt: NOW };

    const attempt = ingestBatch(world, unregistered, batch(1, 3));

    await expect(attempt).rejects.toBeInstanceOf(ProtocolError);
    await expect(attempt).rejects.toMatchObject({ code: 'not_registered' });
    expect(world.buffer.lines(container())).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it('refuses a batch from a connection superseded by a newer one of the agent: one writer per buffer', async () => {
    // Two connections of one agent could each store a batch of the same container, overlapping.
    const superseded = { ...agent, connectionId: 'old-conn', connectedAt: NOW - 3_600_000 };

    const attempt = ingestBatch(world, superseded, batch(1, 3));

    await expect(attempt).rejects.toMatchObject({ code: 'forbidden' });
    expect(world.buffer.lines(container())).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it('refuses a batch that inflates past MAX_BATCH_BODY_BYTES with too_large, naming it, storing nothing', async () => {
    // A deflate bomb: a few KB on the wire, megabytes once inflated.
    const bomb = withBody(1, 1, Buffer.alloc(MAX_BATCH_BODY_BYTES + 1, ' '));
    expect(bomb.data.length).toBeLessThan(10_000);

    const attempt = ingestBatch(world, agent, bomb);

    await expect(attempt).rejects.toMatchObject({ code: 'too_large', message: expect.stringContaining('batch 1–1') });
    expect(world.buffer.lines(container())).toEqual([]);
    expect(world.messenger.sent).toEqual([]);
  });

  it.each([
    ['data that is not deflate-raw', (): AgentLogBatch => ({ ...batch(1, 3), data: Buffer.from('plain text, not deflated').toString('base64') })],
    ['a body that is not JSON', () => withBody(1, 3, 'not json')],
    ['a body that is not packed lines', () => withBody(1, 3, JSON.stringify({ v: 1, firstSeq: 1, ts: [], streams: 'o', text: [] }))],
    ['firstSeq and lastSeq other than its lines\' (forged seqs)', (): AgentLogBatch => ({ ...batch(1, 3), firstSeq: 2, lastSeq: 4 })],
    ['a lastSeq short of its lines', (): AgentLogBatch => ({ ...batch(1, 3), lastSeq: 2 })],
    ['more lines than its seqs claim', () => withBody(1, 2, packLines(lines(1, MAX_BATCH_LINES + 1, () => 'x')))],
  ])('refuses a batch with %s as malformed, naming it, storing and broadcasting nothing', async (_name, make) => {
    await ingestBatch(world, agent, batch(1, 5));
    world.messenger.sent.length = 0;

    const attempt = ingestBatch(world, agent, make());

    await expect(attempt).rejects.toMatchObject({ code: 'malformed', message: expect.stringMatching(/^batch \d+–\d+: /) });
    expect(world.buffer.lines(container())).toEqual(lines(1, 5));
    expect(world.messenger.sent).toEqual([]);
  });

  it('refuses a batch whose epoch is in the future, which would outrank every epoch minted after it', async () => {
    const attempt = ingestBatch(world, agent, batch(1, 3, NOW + 3_600_000));

    await expect(attempt).rejects.toMatchObject({ code: 'malformed' });
    expect(world.buffer.lines(container())).toEqual([]);
  });

  describe('a stored batch is rewritten only by an identical batch', () => {
    it('refuses a different batch at a stored first seq with conflict, keeps the stored one and acks and broadcasts nothing', async () => {
      await ingestBatch(world, agent, batch(1, 3));
      world.messenger.sent.length = 0;

      const attempt = ingestBatch(world, agent, batch(1, 2, EPOCH, other));

      await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
      expect(world.buffer.lines(container())).toEqual(lines(1, 3));
      expect(world.messenger.sent).toEqual([]);
      expect(world.logger.entries).toContainEqual(
        expect.objectContaining({ level: 'error', context: expect.objectContaining({ containerId: 'c1', epoch: EPOCH, firstSeq: 1, lastSeq: 2, storedFirstSeq: 1, storedLastSeq: 3 }) }),
      );
    });

    it('refuses a batch overlapping the seqs of a stored batch that starts earlier', async () => {
      await ingestBatch(world, agent, batch(1, 5));

      await expect(ingestBatch(world, agent, batch(4, 8, EPOCH, other))).rejects.toMatchObject({ code: 'conflict' });
      expect(world.buffer.lines(container())).toEqual(lines(1, 5));
    });

    it('refuses a batch overlapping the seqs of a stored batch that starts later', async () => {
      await ingestBatch(world, agent, batch(4, 6));

      await expect(ingestBatch(world, agent, batch(2, 4, EPOCH, other))).rejects.toMatchObject({ code: 'conflict' });
      expect(world.buffer.lines(container())).toEqual(lines(4, 6));
    });

    it('acks an identical redelivery and broadcasts it again (viewers drop the repeat by seq)', async () => {
      await ingestBatch(world, agent, batch(1, 3));
      world.messenger.sent.length = 0;

      await ingestBatch(world, agent, batch(1, 3));

      expect(world.buffer.lines(container())).toEqual(lines(1, 3));
      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
      expect(world.messenger.to('viewer-1')).toHaveLength(1);
    });

    it('takes the same seqs of a newer epoch as new lines, and serves only the newest epoch', async () => {
      await ingestBatch(world, agent, batch(1, 3));

      await ingestBatch(world, agent, batch(1, 2, EPOCH + 1, other));

      expect(world.messenger.to('viewer-1').at(-1)).toEqual(relayed(batch(1, 2, EPOCH + 1, other)));
      const [newest] = await world.buffer.newest(container(), { lines: 1000, batches: 1000 });
      expect(newest).toMatchObject({ epoch: EPOCH + 1, firstSeq: 1, lastSeq: 2 });
      expect(world.buffer.lines(container(), EPOCH + 1)).toEqual(lines(1, 2, other));
    });

    it('takes the same lines compressed otherwise for the identical batch: the digest is of the inflated body', async () => {
      await ingestBatch(world, agent, batch(1, 3));
      const recompressed = { ...batch(1, 3), data: deflateRawSync(packLines(lines(1, 3)), { level: 0 }).toString('base64') };
      expect(recompressed.data).not.toBe(batch(1, 3).data);
      world.messenger.sent.length = 0;

      await ingestBatch(world, agent, recompressed);

      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
    });
  });

  describe('a batch in parts', () => {
    const whole = () => batch(1, 40, EPOCH, (seq) => `line ${seq} ${'x'.repeat(seq)}`);

    it('holds each part but the last and acks it with its index, storing and broadcasting nothing yet', async () => {
      const [first] = partsOf(whole(), 3);

      await ingestBatch(world, agent, first!);

      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 40, part: 0 }]);
      expect(world.buffer.lines(container())).toEqual([]);
      expect(world.messenger.to('viewer-1')).toEqual([]);
    });

    it('on the last part joins the held parts, stores the whole batch, broadcasts every part in order and acks the batch', async () => {
      const parts = partsOf(whole(), 3);

      for (const part of parts) await ingestBatch(world, agent, part);

      expect(world.buffer.lines(container())).toEqual(linesOfPacked([whole()]));
      expect(Buffer.from(world.buffer.batches.get('host-1/c1')![0]!.data).toString('base64')).toBe(whole().data);
      expect(world.messenger.to('viewer-1')).toEqual(parts.map(relayed));
      expect(world.messenger.to('agent-conn')).toEqual([
        { action: 'log.ack', containerId: 'c1', seq: 40, part: 0 },
        { action: 'log.ack', containerId: 'c1', seq: 40, part: 1 },
        { action: 'log.ack', containerId: 'c1', seq: 40 },
      ]);
    });

    it('takes a resent part as the same part, and a resent last part as the identical batch', async () => {
      const parts = partsOf(whole(), 2);

      await ingestBatch(world, agent, parts[0]!);
      await ingestBatch(world, agent, parts[0]!);
      await ingestBatch(world, agent, parts[1]!);
      await ingestBatch(world, agent, parts[1]!);

      expect(world.buffer.batches.get('host-1/c1')).toHaveLength(1);
      expect(world.messenger.to('agent-conn').filter((m) => m.action === 'log.ack' && !('part' in m))).toHaveLength(2);
    });

    it('refuses a last part whose earlier parts are not held with internal (retry: send the batch again), storing nothing', async () => {
      const parts = partsOf(whole(), 3);
      await ingestBatch(world, agent, parts[0]!);

      const attempt = ingestBatch(world, agent, parts[2]!);

      await expect(attempt).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('part 1 of 3 of batch 1–40') });
      expect(world.buffer.lines(container())).toEqual([]);
      expect(world.messenger.to('viewer-1')).toEqual([]);
    });

    it('does not join parts of another batch (other seqs or part count) to its own', async () => {
      const parts = partsOf(whole(), 2);
      await ingestBatch(world, agent, { ...partsOf(whole(), 3)[0]!, part: { index: 0, count: 3 } });
      await ingestBatch(world, agent, { ...parts[0]!, lastSeq: 41 });

      await expect(ingestBatch(world, agent, parts[1]!)).rejects.toMatchObject({ code: 'internal' });
    });

    it('refuses parts whose joined bytes are not the batch (forged parts) as malformed, storing nothing', async () => {
      const parts = partsOf(whole(), 2);
      await ingestBatch(world, agent, { ...parts[0]!, data: partsOf(batch(1, 40, EPOCH, other), 2)[0]!.data });

      await expect(ingestBatch(world, agent, parts[1]!)).rejects.toMatchObject({ code: 'malformed' });
      expect(world.buffer.lines(container())).toEqual([]);
      expect(world.messenger.to('viewer-1')).toEqual([]);
    });

    it('refuses parts of a batch that inflates past the bound with too_large', async () => {
      const bomb = withBody(1, 1, Buffer.alloc(MAX_BATCH_BODY_BYTES + 1, ' '));
      const parts = partsOf(bomb, 2);
      await ingestBatch(world, agent, parts[0]!);

      await expect(ingestBatch(world, agent, parts[1]!)).rejects.toMatchObject({ code: 'too_large' });
    });
  });

  describe('nothing lost in silence', () => {
    it('retries a throttled post with backoff and delivers it before the ack', async () => {
      world.messenger.failTimes.set('viewer-1', 2);

      await ingestBatch(world, agent, batch(1, 3));

      expect(world.messenger.to('viewer-1')).toHaveLength(1);
      expect(world.clock.sleeps.length).toBeGreaterThanOrEqual(2);
      expect(world.clock.sleeps[1]).toBeGreaterThan(world.clock.sleeps[0]! / 2);
      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
    });

    it('gives up on a post that keeps failing after the retry window, logs it, and still acks', async () => {
      world.messenger.failing.add('viewer-1');

      await ingestBatch({ ...world, deadline: NOW + 60_000 }, agent, batch(1, 3));

      expect(world.messenger.attempts.get('viewer-1')).toBeGreaterThan(2);
      expect(world.clock.now()).toBeLessThanOrEqual(NOW + RETRY_WINDOW_MS);
      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
    });

    it('stops retrying a post that keeps failing when the time budget runs out, logs it, and still acks', async () => {
      world.messenger.failing.add('viewer-1');

      await ingestBatch({ ...world, deadline: NOW + 1_500 }, agent, batch(1, 3));

      expect(world.messenger.attempts.get('viewer-1')).toBeGreaterThan(1);
      expect(world.clock.now()).toBeLessThanOrEqual(NOW + 1_500 - RESERVED_MS);
      expect(world.logger.entries).toContainEqual(expect.objectContaining({ context: expect.objectContaining({ connectionId: 'viewer-1' }) }));
      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
    });

    it('acks the batch before cleaning up gone subscribers', async () => {
      world.messenger.gone.add('viewer-2');

      await ingestBatch(world, agent, batch(1, 3));

      const ack = world.journal.indexOf('send agent-conn log.ack');
      expect(ack).toBeGreaterThan(-1);
      expect(ack).toBeLessThan(world.journal.indexOf('connections.remove viewer-2'));
    });

    it('logs a clean-up that fails after the ack instead of failing the acked batch', async () => {
      world.messenger.gone.add('viewer-2');
      world.connections.remove = () => Promise.reject(new Error('throttled'));

      await ingestBatch(world, agent, batch(1, 3));

      expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 3 }]);
      expect(world.logger.entries).toContainEqual(expect.objectContaining({ level: 'error' }));
    });
  });
});
