import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchDelivery, type DeliveryChannel } from '../../../agent/transport/batch-delivery';
import { MemoryBudget } from '../../../agent/transport/memory-budget';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import { MAX_BATCH_BYTES, encode, type AgentLogBatch, type AgentToCloud } from '../../../protocol';
import { unpacked } from '../../support/packed-batches';
import { ts } from '../support/docker-bytes';
import { RecordingLogger } from '../support/recording-logger';

/** A DeliveryChannel that records what is sent and can be disconnected. */
class FakeChannel implements DeliveryChannel {
  connected = true;
  congested = false;
  readonly sent: AgentToCloud[] = [];
  /** The JSON handed along with each message sent (undefined when none was). */
  readonly encoded: (string | undefined)[] = [];
  private readonly drainListeners = new Set<() => void>();

  send(message: AgentToCloud, encoded?: string): boolean {
    if (!this.connected) return false;
    this.sent.push(message);
    this.encoded.push(encoded);
    return true;
  }

  isCongested(): boolean {
    return this.congested;
  }

  onceDrained(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  drain(): void {
    this.congested = false;
    for (const listener of [...this.drainListeners]) listener();
    this.drainListeners.clear();
  }

  /** The last seq of each batch sent, as "container:seq". */
  get sentSeqs(): string[] {
    return this.sent.filter((m): m is AgentLogBatch => m.action === 'log.batch').map((b) => `${b.containerId}:${b.lastSeq}`);
  }
}

function batch(containerId: string, ...seqs: number[]): LineBatch {
  return { containerId, epoch: 1, lines: seqs.map((seq) => ({ seq, ts: ts(seq), stream: 'stdout', text: `line ${seq} ${'x'.repeat(100)}` })) };
}

describe('BatchDelivery', () => {
  let channel: FakeChannel;
  let logger: RecordingLogger;
  let delivery: BatchDelivery;

  beforeEach(() => {
    vi.useFakeTimers();
    channel = new FakeChannel();
    logger = new RecordingLogger();
    delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 1000, retryDelayMs: 100, budget: new MemoryBudget({ maxBytes: 1000, marginBytes: 0 }) });
  });

  afterEach(() => {
    delivery.stop();
    vi.useRealTimers();
  });

  it('keeps one batch per container in flight, and sends the next after its log.ack', () => {
    const sink = delivery.sinkFor('c1');

    sink.send(batch('c1', 1, 2));
    sink.send(batch('c1', 3));
    expect(channel.sentSeqs).toEqual(['c1:2']);

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });

    expect(channel.sentSeqs).toEqual(['c1:2', 'c1:3']);
  });

  it('hands the channel each batch with its JSON, the same text on every resend', () => {
    const sink = delivery.sinkFor('c1');
    const first = batch('c1', 1, 2);
    sink.send(first);
    channel.connected = false;
    delivery.pause();
    channel.connected = true;
    delivery.resume();

    const [sent, again] = channel.sent as AgentLogBatch[];
    expect(unpacked(sent!)).toEqual(first.lines);
    expect(again).toEqual(sent);
    expect(channel.encoded).toEqual([encode(sent!), encode(sent!)]);
  });

  it('tells the container\'s batcher whether a batch waits for its ack, and calls back once none does', () => {
    delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 1000, budget: new MemoryBudget({ maxBytes: 1_000_000 }) });
    const sink = delivery.sinkFor('c1');
    const idleAgain = vi.fn();
    expect(sink.idle?.()).toBe(true);

    sink.send(batch('c1', 1));
    sink.send(batch('c1', 2));
    sink.onceIdle?.(idleAgain);
    expect(sink.idle?.()).toBe(false);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
    expect(idleAgain).not.toHaveBeenCalled();
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });

    expect(idleAgain).toHaveBeenCalledTimes(1);
    expect(sink.idle?.()).toBe(true);
  });

  it('tells the batcher that memory is tight only while nothing of its container is queued: with a batch queued, the paused stream bounds what gathers', () => {
    const sink = delivery.sinkFor('c1');
    sink.holding?.(900);
    expect(sink.tight?.()).toBe(true);

    sink.send(batch('c1', 1));

    expect(sink.tight?.()).toBe(false);
    expect(sink.idle?.()).toBe(false);
    expect(sink.isCongested()).toBe(true);
  });

  it('lets each container have its own batch in flight', () => {
    delivery.sinkFor('c1').send(batch('c1', 1));
    delivery.sinkFor('c2').send(batch('c2', 1));

    expect(channel.sentSeqs).toEqual(['c1:1', 'c2:1']);
  });

  it('ignores an ack that is not for the batch in flight', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(batch('c1', 1, 2));
    sink.send(batch('c1', 3));

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
    delivery.acknowledge({ action: 'log.ack', containerId: 'other', seq: 2 });

    expect(channel.sentSeqs).toEqual(['c1:2']);
    expect(delivery.unacknowledged('c1')).toHaveLength(2);
  });

  it('sends nothing while disconnected, and the oldest unacked batch once the connection is back', () => {
    channel.connected = false;
    const sink = delivery.sinkFor('c1');

    sink.send(batch('c1', 1));
    sink.send(batch('c1', 2));
    expect(channel.sentSeqs).toEqual([]);
    channel.connected = true;
    delivery.resume();

    expect(channel.sentSeqs).toEqual(['c1:1']);
  });

  it('sends the batch in flight again after a reconnect, then carries on after its ack', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(batch('c1', 1));
    sink.send(batch('c1', 2));

    channel.connected = false;
    delivery.pause();
    channel.connected = true;
    delivery.resume();
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });

    expect(channel.sentSeqs).toEqual(['c1:1', 'c1:1', 'c1:2']);
  });

  it('sends a batch again after a backoff when its ack does not come, saying so as the failures double', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(batch('c1', 1, 2));
    sink.send(batch('c1', 3));

    vi.advanceTimersByTime(1000);
    expect(channel.sentSeqs).toEqual(['c1:2']);
    vi.advanceTimersByTime(100);
    expect(channel.sentSeqs).toEqual(['c1:2', 'c1:2']);
    vi.advanceTimersByTime(1000 + 200 + 1000 + 400);

    expect(channel.sentSeqs).toEqual(['c1:2', 'c1:2', 'c1:2', 'c1:2']);
    expect(logger.matching(/^Not delivered: lines 1–2 of container c1: no log\.ack came within 1s; sending them again in 0\.1s\.$/)).toHaveLength(1);
    expect(logger.matching(/^Not delivered: lines 1–2 of container c1: no log\.ack came within 1s; sending them again in 0\.2s \(2 failed attempts so far\)\.$/)).toHaveLength(1);
    // The third failure is not logged; the fourth would be.
    expect(logger.matching(/Not delivered/)).toHaveLength(2);
  });

  it('reports congestion at the memory bound and calls back when acks bring it under three quarters of it', async () => {
    const sink = delivery.sinkFor('c1');
    // About 430 bytes each to hold: 12 are well above the 1000-byte bound, 1 is under 750.
    for (let seq = 1; seq <= 12; seq++) sink.send(batch('c1', seq));
    expect(sink.isCongested()).toBe(true);
    const drained = vi.fn();
    sink.onceDrained(drained);

    for (let seq = 1; seq <= 6; seq++) delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq });
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).not.toHaveBeenCalled();
    for (let seq = 7; seq <= 10; seq++) delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq });
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).not.toHaveBeenCalled();
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 11 });
    await vi.advanceTimersByTimeAsync(0);

    expect(drained).toHaveBeenCalledTimes(1);
    expect(sink.isCongested()).toBe(false);
  });

  it('reports the connection\'s congestion too, and waits for it to drain', async () => {
    const sink = delivery.sinkFor('c1');
    channel.congested = true;
    const drained = vi.fn();

    expect(sink.isCongested()).toBe(true);
    sink.onceDrained(drained);
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).not.toHaveBeenCalled();
    channel.drain();

    expect(drained).toHaveBeenCalledTimes(1);
  });

  it('forgets the unsent batches of a stopped stream but keeps the one in flight', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(batch('c1', 1));
    sink.send(batch('c1', 2));
    sink.send(batch('c1', 3));

    delivery.discardQueued('c1');
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });

    expect(channel.sentSeqs).toEqual(['c1:1']);
    expect(delivery.unacknowledged('c1')).toEqual([]);
  });

  it('tells where a new follower continues while batches of the epoch are still queued: after the last, at the highest ts, with the texts of the real lines there', () => {
    const sink = delivery.sinkFor('c1');
    // Line 3 was joined from Docker's pieces and keeps its first piece's (earlier) ts.
    sink.send({
      containerId: 'c1',
      epoch: 1,
      lines: [
        { seq: 1, ts: ts(5), stream: 'stdout', text: 'a' },
        { seq: 2, ts: ts(7), stream: 'stderr', text: 'b' },
        { seq: 3, ts: ts(6), stream: 'stdout', text: 'c' },
      ],
    });
    sink.send({
      containerId: 'c1',
      epoch: 1,
      lines: [
        { seq: 4, ts: ts(7), stream: 'stdout', text: 'd' },
        { seq: 5, ts: ts(7), stream: 'stdout', text: 'skipped', skipped: { reason: 'rotated', from: ts(7), to: ts(7) } },
      ],
    });

    expect(delivery.queuedResumePoint('c1', 1)).toEqual({ seq: 5, ts: ts(7), textsAtTs: ['b', 'd'] });
    expect(delivery.queuedResumePoint('c1', 2)).toBeUndefined();
    expect(delivery.queuedResumePoint('c2', 1)).toBeUndefined();
  });

  describe('for a removed container (its log file is gone: these batches are the only copy)', () => {
    it('discards none of them on a stream stop, and delivers each until acked', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      sink.send(batch('c1', 2));
      sink.send(batch('c1', 3));

      delivery.containerRemoved('c1');
      delivery.discardQueued('c1');
      for (const seq of [1, 2, 3]) delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq });

      expect(channel.sentSeqs).toEqual(['c1:1', 'c1:2', 'c1:3']);
    });

    it('keeps a released outbox while batches remain, and forgets it once the last is acked', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      sink.send(batch('c1', 2));
      delivery.containerRemoved('c1');

      delivery.release('c1');
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
      expect(delivery.hasOutbox('c1')).toBe(true);
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });

      expect(delivery.hasOutbox('c1')).toBe(false);
    });

    it('forgets it once the last batch is dropped, too', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      delivery.release('c1');

      delivery.refused({ action: 'error', code: 'conflict', message: 'clash', requestAction: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 1, retry: false });

      expect(delivery.hasOutbox('c1')).toBe(false);
    });
  });

  it('forgets the outbox of a stopped stream once its batch in flight is acked, and keeps one a new follower feeds', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(batch('c1', 1));
    sink.send(batch('c1', 2));
    delivery.discardQueued('c1');
    delivery.release('c1');
    delivery.sinkFor('c2').send(batch('c2', 1));
    delivery.release('c2');
    delivery.sinkFor('c2');

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
    delivery.acknowledge({ action: 'log.ack', containerId: 'c2', seq: 1 });

    expect(delivery.hasOutbox('c1')).toBe(false);
    expect(delivery.hasOutbox('c2')).toBe(true);
  });

  describe('never drops a batch whose lines Docker still holds (issue 8 defect 5)', () => {
    it('sends a batch whose ack never comes again and again, never drops it, and sends the next only after its ack', () => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 1000, retryDelayMs: 100 });
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1, 2));
      sink.send(batch('c1', 3));

      // Ten minutes without an ack: far more than any count of attempts.
      vi.advanceTimersByTime(10 * 60_000);
      expect(channel.sentSeqs.length).toBeGreaterThan(10);
      expect(new Set(channel.sentSeqs)).toEqual(new Set(['c1:2']));
      expect(logger.matching(/Dropped/)).toEqual([]);
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });

      expect(channel.sentSeqs.at(-1)).toBe('c1:3');
      expect(delivery.unacknowledged('c1').map((b) => b.lines[0]!.seq)).toEqual([3]);
    });

    it('waits longer between resends of an unacked batch, up to a cap', () => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 1000, retryDelayMs: 100 });
      delivery.sinkFor('c1').send(batch('c1', 1));

      vi.advanceTimersByTime(10 * 60_000);
      const sendsInTenMinutes = channel.sent.length;
      vi.advanceTimersByTime(10 * 60_000);

      // At a 30 s cap plus the 1 s ack timeout: about 20 sends in the second ten minutes.
      expect(channel.sent.length - sendsInTenMinutes).toBeGreaterThanOrEqual(18);
      expect(channel.sent.length - sendsInTenMinutes).toBeLessThanOrEqual(20);
    });

    it('sends a batch the cloud keeps refusing with internal again with backoff, however often, until it takes it', () => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 30_000, retryDelayMs: 100 });
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      sink.send(batch('c1', 2));
      const internal = { action: 'error', code: 'internal', message: 'boom', requestAction: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 1, retry: true } as const;

      for (let i = 0; i < 20; i++) {
        delivery.refused(internal);
        vi.advanceTimersByTime(30_000);
      }
      expect(channel.sentSeqs).toEqual(Array(21).fill('c1:1'));
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });

      expect(channel.sentSeqs.at(-1)).toBe('c1:2');
      expect(logger.matching(/Dropped/)).toEqual([]);
    });
  });

  describe('when the cloud refuses the batch in flight', () => {
    const refusal = (containerId: string, first: number, last: number, retry: boolean) =>
      ({ action: 'error', code: retry ? 'internal' : 'conflict', message: 'no', requestAction: 'log.batch', containerId, firstSeq: first, lastSeq: last, retry }) as const;

    it('sends it again after a backoff that doubles, and nothing else meanwhile', () => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 30_000, retryDelayMs: 100 });
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1, 2));

      delivery.refused(refusal('c1', 1, 2, true));
      sink.send(batch('c1', 3));
      vi.advanceTimersByTime(99);
      expect(channel.sentSeqs).toEqual(['c1:2']);
      vi.advanceTimersByTime(1);
      expect(channel.sentSeqs).toEqual(['c1:2', 'c1:2']);

      delivery.refused(refusal('c1', 1, 2, true));
      vi.advanceTimersByTime(199);
      expect(channel.sentSeqs).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(channel.sentSeqs).toEqual(['c1:2', 'c1:2', 'c1:2']);

      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });
      expect(channel.sentSeqs).toEqual(['c1:2', 'c1:2', 'c1:2', 'c1:3']);
    });

    it('drops it at once for a conflict (the buffer holds other lines at its seqs, so a marker there would clash too)', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1, 2));
      sink.send(batch('c1', 3));

      delivery.refused(refusal('c1', 1, 2, false));

      expect(channel.sentSeqs).toEqual(['c1:2', 'c1:3']);
      expect(delivery.unacknowledged('c1').map((b) => b.lines[0]!.seq)).toEqual([3]);
      expect(logger.matching(/^Dropped lines 1–2 of container c1: the cloud refused them \(conflict: no\); sending them again would be refused the same way\.$/)).toHaveLength(1);
      expect(delivery.droppedWithoutMarker).toBe(2);
    });

    it('ignores a refusal that names another batch than the one in flight (a stale copy)', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 3, 4));

      delivery.refused(refusal('c1', 1, 2, false));
      delivery.refused({ action: 'error', code: 'internal', message: 'no', requestAction: 'log.batch' });

      expect(delivery.unacknowledged('c1')).toHaveLength(1);
      expect(channel.sentSeqs).toEqual(['c1:4']);
    });

    it('cancels the backoff when the connection drops, and sends the batch on the next one', () => {
      delivery = new BatchDelivery({ channel, logger, retryDelayMs: 10_000 });
      delivery.sinkFor('c1').send(batch('c1', 1));
      delivery.refused(refusal('c1', 1, 1, true));

      delivery.pause();
      delivery.resume();

      expect(channel.sentSeqs).toEqual(['c1:1', 'c1:1']);
    });
  });

  describe('when API Gateway itself refuses a message (throttled, or a Lambda that crashed or timed out)', () => {
    it('sends every batch that was in flight again, and nothing queued behind them', () => {
      delivery.sinkFor('c1').send(batch('c1', 1, 2));
      delivery.sinkFor('c1').send(batch('c1', 3));
      delivery.sinkFor('c2').send(batch('c2', 1));

      delivery.gatewayRefused();
      delivery.resendRefused();

      expect(channel.sentSeqs).toEqual(['c1:2', 'c2:1', 'c1:2', 'c2:1']);
      expect(channel.encoded[2]).toBe(channel.encoded[0]);
    });

    it('resends only what was in flight when the refusal came: a batch acked or sent since is not sent again', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      sink.send(batch('c1', 2));
      delivery.sinkFor('c2').send(batch('c2', 1));

      delivery.gatewayRefused();
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
      delivery.acknowledge({ action: 'log.ack', containerId: 'c2', seq: 1 });
      delivery.resendRefused();

      expect(channel.sentSeqs).toEqual(['c1:1', 'c2:1', 'c1:2']);
    });

    it('does not count refused attempts toward maxAttempts: a batch throttled again and again is still delivered', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1));
      sink.send(batch('c1', 2));

      // Ten refusals over 5 s: five times the ack timeout, and more than maxAttempts sends.
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(500);
        delivery.gatewayRefused();
        delivery.resendRefused();
      }
      delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });

      expect(channel.sentSeqs).toEqual([...Array(11).fill('c1:1'), 'c1:2']);
      expect(logger.matching(/Dropped|No log\.ack/)).toEqual([]);
    });

    it('keeps the ack timeout as the backstop after a resend', () => {
      delivery.sinkFor('c1').send(batch('c1', 1));
      delivery.gatewayRefused();
      delivery.resendRefused();

      vi.advanceTimersByTime(999);
      expect(channel.sentSeqs).toHaveLength(2);
      vi.advanceTimersByTime(1 + 100);
      expect(channel.sentSeqs).toHaveLength(3);

      expect(logger.matching(/^Not delivered: line 1 of container c1: no log\.ack came within 1s; sending them again in 0\.1s\.$/)).toHaveLength(1);
    });

    it('leaves a batch waiting out a retry after the cloud\'s own refusal to that retry', () => {
      delivery = new BatchDelivery({ channel, logger, retryDelayMs: 10_000 });
      delivery.sinkFor('c1').send(batch('c1', 1));
      delivery.gatewayRefused();
      delivery.refused({ action: 'error', code: 'internal', message: 'no', requestAction: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 1, retry: true });

      delivery.resendRefused();

      expect(channel.sentSeqs).toEqual(['c1:1']);
    });

    it('sends nothing again while disconnected: the reconnect resends what was in flight', () => {
      delivery.sinkFor('c1').send(batch('c1', 1));
      delivery.gatewayRefused();
      channel.connected = false;
      delivery.pause();

      delivery.resendRefused();
      channel.connected = true;
      delivery.resume();
      delivery.resendRefused();

      expect(channel.sentSeqs).toEqual(['c1:1', 'c1:1']);
    });
  });
});

/** Random printable ASCII: text that deflate can hardly shrink. */
function incompressible(length: number): string {
  return Array.from(randomBytes(length), (byte) => String.fromCharCode(0x21 + (byte % 94))).join('');
}

describe('BatchDelivery of a batch too large for one message', () => {
  let channel: FakeChannel;
  let delivery: BatchDelivery;
  const long: LineBatch = { containerId: 'c1', epoch: 1, lines: [{ seq: 1, ts: ts(1), stream: 'stdout', text: incompressible(200_000) }] };

  beforeEach(() => {
    vi.useFakeTimers();
    channel = new FakeChannel();
    delivery = new BatchDelivery({ channel, logger: new RecordingLogger(), ackTimeoutMs: 1000, retryDelayMs: 100 });
  });

  afterEach(() => {
    delivery.stop();
    vi.useRealTimers();
  });

  const parts = () => (channel.sent as AgentLogBatch[]).map((m) => m.part);

  it('sends it in parts of at most MAX_BATCH_BYTES, each after the ack of the one before, and the next batch after the last', () => {
    const sink = delivery.sinkFor('c1');
    sink.send(long);
    sink.send(batch('c1', 2));
    expect(parts()).toEqual([{ index: 0, count: 3 }]);

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 0 });
    expect(parts()).toEqual([{ index: 0, count: 3 }, { index: 1, count: 3 }]);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 1 });
    expect(parts().at(-1)).toEqual({ index: 2, count: 3 });
    expect(channel.sentSeqs).toEqual(['c1:1', 'c1:1', 'c1:1']);

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });

    expect(channel.sentSeqs).toEqual(['c1:1', 'c1:1', 'c1:1', 'c1:2']);
    for (const json of channel.encoded) expect(Buffer.byteLength(json!)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const data = Buffer.concat((channel.sent.slice(0, 3) as AgentLogBatch[]).map((m) => Buffer.from(m.data, 'base64')));
    expect(unpacked({ data: data.toString('base64') })).toEqual(long.lines);
  });

  it('ignores an ack of another part, and starts again from part 0, with the same text, when a part is not acked', () => {
    delivery.sinkFor('c1').send(long);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 0 });
    const firstAttempt = [...channel.encoded];

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 0 });
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 2 });
    expect(parts()).toEqual([{ index: 0, count: 3 }, { index: 1, count: 3 }]);
    vi.advanceTimersByTime(1000 + 100);

    expect(parts().at(-1)).toEqual({ index: 0, count: 3 });
    expect(channel.encoded.at(-1)).toBe(firstAttempt[0]);
  });

  it('sends the part in flight again when API Gateway refuses a message, and goes on from there', () => {
    delivery.sinkFor('c1').send(long);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 0 });

    delivery.gatewayRefused();
    delivery.resendRefused();

    expect(parts()).toEqual([{ index: 0, count: 3 }, { index: 1, count: 3 }, { index: 1, count: 3 }]);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 1 });
    expect(parts().at(-1)).toEqual({ index: 2, count: 3 });
  });

  it('starts again from part 0 after a reconnect', () => {
    delivery.sinkFor('c1').send(long);
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1, part: 0 });

    channel.connected = false;
    delivery.pause();
    channel.connected = true;
    delivery.resume();

    expect(parts().at(-1)).toEqual({ index: 0, count: 3 });
  });
});
