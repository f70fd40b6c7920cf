import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchDelivery, type DeliveryChannel } from '../../../agent/transport/batch-delivery';
import { verdictOn } from '../../../agent/transport/batch-refusal-policy';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import { LogLine, type AgentToCloud, type ErrorCode, type ErrorMessage } from '../../../protocol';
import { unpacked } from '../../support/packed-batches';
import { ts } from '../support/docker-bytes';
import { RecordingLogger } from '../support/recording-logger';

/** Records the batches sent, as the lines their packed data carries. */
class FakeChannel implements DeliveryChannel {
  connected = true;
  readonly sent: LineBatch[] = [];
  send(message: AgentToCloud): boolean {
    if (message.action === 'log.batch') this.sent.push({ containerId: message.containerId, epoch: message.epoch, lines: unpacked(message) });
    return true;
  }
  isCongested(): boolean {
    return false;
  }
  onceDrained(): () => void {
    return () => {};
  }
  get last(): LineBatch {
    return this.sent.at(-1)!;
  }
}

function batch(containerId: string, ...seqs: number[]): LineBatch {
  return { containerId, epoch: 1, lines: seqs.map((seq) => ({ seq, ts: ts(seq), stream: 'stdout', text: `line ${seq}` })) };
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function refusal(code: ErrorCode, b: LineBatch, retry: boolean): ErrorMessage {
  return { action: 'error', code, message: 'no', requestAction: 'log.batch', containerId: b.containerId, firstSeq: b.lines[0]!.seq, lastSeq: b.lines.at(-1)!.seq, retry };
}

const ack = (containerId: string, seq: number) => ({ action: 'log.ack', containerId, seq }) as const;

describe('what a refusal of a batch means', () => {
  it.each([
    ['internal', true, 'resend'],
    ['not_registered', true, 'resend'],
    ['forbidden', false, 'resend'],
    ['conflict', false, 'drop'],
    ['malformed', false, 'replace'],
    ['too_large', false, 'replace'],
  ] as const)('%s (retry: %s) → %s', (code, retry, verdict) => {
    expect(verdictOn({ code, retry })).toBe(verdict);
  });
});

describe('BatchDelivery when a batch cannot be delivered', () => {
  let channel: FakeChannel;
  let logger: RecordingLogger;
  let delivery: BatchDelivery;

  beforeEach(() => {
    vi.useFakeTimers();
    channel = new FakeChannel();
    logger = new RecordingLogger();
    delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 30_000, retryDelayMs: 100 });
  });

  afterEach(() => {
    delivery.stop();
    vi.useRealTimers();
  });

  describe('refused for good (sending it again would be refused the same way)', () => {
    it('sends a refused marker at its first seq instead, counting its lines between their times, and says so', () => {
      const sink = delivery.sinkFor('c1');
      const refused = batch('c1', 11, 12, 13);
      sink.send(refused);

      delivery.refused(refusal('malformed', refused, false));

      const marker = channel.last.lines;
      expect(marker).toHaveLength(1);
      expect(LogLine.parse(marker[0])).toEqual(marker[0]);
      expect(marker[0]).toMatchObject({ seq: 11, ts: ts(13), stream: 'stdout', skipped: { reason: 'refused', lines: 3, from: ts(11), to: ts(13) } });
      expect(marker[0]!.text).toMatch(/^— 3 lines refused by the cloud for good \(.+ – .+ UTC\) —$/);
      expect(logger.matching(/^Replaced lines 11–13 of container c1 with a "refused" skip marker: the cloud refused them for good \(malformed: no\)\.$/)).toHaveLength(1);
    });

    it('numbers the lines behind the marker to follow it: queued batches and the ones the follower sends later', () => {
      const sink = delivery.sinkFor('c1');
      const refused = batch('c1', 1, 2, 3, 4);
      sink.send(refused);
      sink.send(batch('c1', 5, 6));

      delivery.refused(refusal('too_large', refused, false));
      delivery.acknowledge(ack('c1', 1));
      sink.send(batch('c1', 7));
      delivery.acknowledge(ack('c1', 3));
      delivery.acknowledge(ack('c1', 4));

      expect(channel.sent.map((b) => b.lines.map((line) => line.seq))).toEqual([[1, 2, 3, 4], [1], [2, 3], [4]]);
      expect(channel.sent[2]!.lines.map((line) => line.text)).toEqual(['line 5', 'line 6']);
      expect(delivery.skipCounts().refused).toEqual({ markers: 1, lines: 4 });
    });

    it('numbers from the cloud\'s resume point again for a new follower of the container', () => {
      const sink = delivery.sinkFor('c1');
      const refused = batch('c1', 1, 2, 3);
      sink.send(refused);
      delivery.refused(refusal('malformed', refused, false));
      delivery.acknowledge(ack('c1', 1));

      delivery.sinkFor('c1').send(batch('c1', 2));

      expect(channel.last.lines.map((line) => line.seq)).toEqual([2]);
    });

    it('drops a marker that is refused too, with an error line: nothing stands in for a marker', () => {
      const sink = delivery.sinkFor('c1');
      const refused = batch('c1', 1, 2);
      sink.send(refused);
      sink.send(batch('c1', 3));
      delivery.refused(refusal('malformed', refused, false));

      delivery.refused(refusal('malformed', channel.last, false));

      expect(channel.sent.map((b) => b.lines.map((line) => line.seq))).toEqual([[1, 2], [1], [2]]);
      expect(logger.matching(/^Dropped line 1 of container c1: the cloud refused it \(malformed: no\)/)).toHaveLength(1);
      expect(delivery.droppedWithoutMarker).toBe(2);
    });
  });

  it('sends a batch refused forbidden (the connection lost the registration to a newer one) again after a backoff', () => {
    const sink = delivery.sinkFor('c1');
    const b = batch('c1', 1);
    sink.send(b);

    delivery.refused(refusal('forbidden', b, false));
    vi.advanceTimersByTime(100);

    expect(channel.sent).toEqual([b, b]);
  });

  describe('a batch the cloud keeps failing on (crash-looping)', () => {
    beforeEach(() => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 30_000, retryDelayMs: 100, crashLoop: { failures: 5, afterMs: 60_000, aloneAfterMs: 600_000 } });
    });

    /** Refuses the head of c1 (`internal`, unless told) every `everyMs` for `forMs`, acking c2's batches meanwhile if asked. */
    function keepFailing(forMs: number, everyMs: number, othersTaken: boolean, code: ErrorCode = 'internal'): void {
      for (let t = 0; t < forMs; t += everyMs) {
        const head = channel.sent.filter((b) => b.containerId === 'c1').at(-1)!;
        if (head.lines[0]!.skipped) return;
        delivery.refused(refusal(code, head, code === 'internal'));
        if (othersTaken) {
          const seq = t / everyMs + 1;
          delivery.sinkFor('c2').send(batch('c2', seq));
          delivery.acknowledge(ack('c2', seq));
        }
        vi.advanceTimersByTime(everyMs);
      }
    }

    it('replaces it by a refused marker once it failed often enough for long enough while the cloud took others', () => {
      delivery.sinkFor('c1').send(batch('c1', 1, 2));

      keepFailing(2 * 60_000, 10_000, true);

      const sentToC1 = channel.sent.filter((b) => b.containerId === 'c1');
      expect(sentToC1.at(-1)!.lines).toEqual([expect.objectContaining({ seq: 1, skipped: expect.objectContaining({ reason: 'refused', lines: 2 }) })]);
      expect(logger.matching(/^Replaced lines 1–2 of container c1 with a "refused" skip marker: the cloud failed on them 7 times over 1 min/)).toHaveLength(1);
    });

    it('takes the renumbering back when its marker draws a conflict: the cloud had stored the batch before failing, so the lines behind keep their seqs', () => {
      const sink = delivery.sinkFor('c1');
      sink.send(batch('c1', 1, 2, 3));
      sink.send(batch('c1', 4, 5));
      keepFailing(2 * 60_000, 10_000, true);
      const marker = channel.sent.filter((b) => b.containerId === 'c1').at(-1)!;
      expect(marker.lines[0]).toMatchObject({ seq: 1, skipped: { reason: 'refused', lines: 3 } });

      delivery.refused(refusal('conflict', marker, false));
      sink.send(batch('c1', 6));
      delivery.acknowledge(ack('c1', 5));

      const sentToC1 = channel.sent.filter((b) => b.containerId === 'c1');
      expect(sentToC1.slice(-2).map((b) => b.lines.map((line) => [line.seq, line.text]))).toEqual([
        [[4, 'line 4'], [5, 'line 5']],
        [[6, 'line 6']],
      ]);
      expect(delivery.droppedWithoutMarker).toBe(0);
      expect(delivery.skipCounts().refused).toBeUndefined();
      expect(logger.matching(/^Withdrew the "refused" skip marker for lines 1–3 of container c1: the cloud holds them already/)).toHaveLength(1);
    });

    it('keeps sending it while the cloud takes nothing else (an outage, most likely), until the longer limit', () => {
      delivery.sinkFor('c1').send(batch('c1', 1, 2));

      keepFailing(5 * 60_000, 10_000, false);
      expect(channel.sent.every((b) => !b.lines[0]!.skipped)).toBe(true);
      keepFailing(6 * 60_000, 10_000, false);

      expect(channel.last.lines[0]!.skipped).toMatchObject({ reason: 'refused', lines: 2 });
    });

    it('does not count forbidden as a failure: the batch goes again on the connection that holds the registration, however long it takes', () => {
      delivery.sinkFor('c1').send(batch('c1', 1, 2));

      keepFailing(2 * 60 * 60_000, 10_000, true, 'forbidden');

      const sentToC1 = channel.sent.filter((b) => b.containerId === 'c1');
      expect(sentToC1.every((b) => !b.lines[0]!.skipped)).toBe(true);
      expect(sentToC1.length).toBeGreaterThan(10);
    });

    it('counts API Gateway\'s "Internal server error" as a failure, but not its throttling', () => {
      delivery = new BatchDelivery({ channel, logger, ackTimeoutMs: 120_000, crashLoop: { failures: 5, afterMs: 60_000, aloneAfterMs: 600_000 } });
      delivery.sinkFor('c1').send(batch('c1', 1));
      for (let i = 0; i < 20; i++) {
        vi.advanceTimersByTime(60_000);
        delivery.gatewayRefused({ message: 'Too Many Requests', transient: true });
        delivery.resendRefused();
      }
      expect(channel.sent.every((b) => !b.lines[0]!.skipped)).toBe(true);

      for (let i = 0; i < 11; i++) {
        vi.advanceTimersByTime(60_000);
        delivery.gatewayRefused({ message: 'Internal server error', transient: true });
        delivery.resendRefused();
      }

      expect(channel.last.lines[0]!.skipped).toMatchObject({ reason: 'refused', lines: 1 });
    });
  });

  it('reports the oldest line not yet acknowledged, of any container', () => {
    delivery.sinkFor('c1').send(batch('c1', 5));
    delivery.sinkFor('c2').send(batch('c2', 3));
    expect(delivery.oldestUnacknowledgedTs()).toBe(ts(3));

    delivery.acknowledge(ack('c2', 3));
    expect(delivery.oldestUnacknowledgedTs()).toBe(ts(5));
    delivery.acknowledge(ack('c1', 5));
    expect(delivery.oldestUnacknowledgedTs()).toBeUndefined();
  });
});
