import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchDelivery, heldBytesOf, type DeliveryChannel } from '../../../agent/transport/batch-delivery';
import { MemoryBudget } from '../../../agent/transport/memory-budget';
import { LogBatcher } from '../../../agent/pipeline/batcher';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import type { AgentToCloud, LogLine } from '../../../protocol';
import { ts } from '../support/docker-bytes';
import { RecordingLogger } from '../support/recording-logger';

/** A connected channel that takes everything and acks nothing by itself. */
class StalledChannel implements DeliveryChannel {
  readonly connected = true;
  readonly sent: AgentToCloud[] = [];
  send(message: AgentToCloud): boolean {
    this.sent.push(message);
    return true;
  }
  isCongested(): boolean {
    return false;
  }
  onceDrained(): () => void {
    return () => {};
  }
}

/** A batch of one line that costs about `bytes` to hold (its packed message and its line object with its text). */
function batchOf(containerId: string, seq: number, bytes: number): LineBatch {
  const withText = (length: number): LineBatch => ({ containerId, epoch: 1, lines: [{ seq, ts: ts(seq), stream: 'stdout', text: 'x'.repeat(length) }] });
  let length = Math.max(0, bytes - heldBytesOf(withText(0)));
  while (length > 0 && heldBytesOf(withText(length)) > bytes) length -= 1;
  const batch = withText(length);
  // A longer text adds a byte to hold, and now and then a few base64 characters of its packed body.
  expect(bytes - heldBytesOf(batch)).toBeGreaterThanOrEqual(0);
  expect(bytes - heldBytesOf(batch)).toBeLessThanOrEqual(8);
  return batch;
}

describe('BatchDelivery under one memory bound across containers (issue 8 defect 6)', () => {
  let channel: StalledChannel;
  let delivery: BatchDelivery;

  beforeEach(() => {
    vi.useFakeTimers();
    channel = new StalledChannel();
    delivery = new BatchDelivery({ channel, logger: new RecordingLogger(), budget: new MemoryBudget({ maxBytes: 10_000, marginBytes: 0 }) });
  });

  afterEach(() => {
    delivery.stop();
    vi.useRealTimers();
  });

  it('pauses every container once they hold the bound together, though each holds less than half of it', () => {
    const sinks = ['c1', 'c2', 'c3'].map((id) => delivery.sinkFor(id));
    for (let seq = 1; seq <= 4; seq++) sinks.forEach((sink, i) => sink.send(batchOf(`c${i + 1}`, seq, 900)));

    expect(delivery.heldBytes).toBeGreaterThanOrEqual(10_000);
    expect(sinks.map((sink) => sink.isCongested())).toEqual([true, true, true]);
  });

  it('counts the bytes each follower pipeline holds, and what it sends, in one total', () => {
    const sink = delivery.sinkFor('c1');
    sink.holding?.(3000);
    const batch = batchOf('c1', 1, 1000);
    sink.send(batch);
    sink.holding?.(500);

    expect(delivery.heldBytes).toBe(500 + heldBytesOf(batch));
  });

  it('pauses a chatty container beyond its fair share once half the bound is held, while a quiet one still flows', () => {
    const chatty = delivery.sinkFor('chatty');
    const quiet = delivery.sinkFor('quiet');
    quiet.send(batchOf('quiet', 1, 500));
    let seq = 0;
    while (!chatty.isCongested()) chatty.send(batchOf('chatty', ++seq, 1000));

    // Its share (half the bound, of two) plus at most one batch: it cannot take the quiet one's room.
    expect(delivery.heldBytes).toBeLessThanOrEqual(5000 + 500 + 1000);
    expect(quiet.isCongested()).toBe(false);
    for (let s = 2; s <= 4; s++) quiet.send(batchOf('quiet', s, 500));
    expect(quiet.isCongested()).toBe(false);
  });

  it('resumes a paused container when acks free a quarter of the room', async () => {
    const sink = delivery.sinkFor('c1');
    for (let seq = 1; seq <= 10; seq++) sink.send(batchOf('c1', seq, 1000));
    expect(sink.isCongested()).toBe(true);
    const resumed = vi.fn();
    sink.onceDrained(resumed);

    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 1 });
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(resumed).not.toHaveBeenCalled();
    delivery.acknowledge({ action: 'log.ack', containerId: 'c1', seq: 3 });
    await vi.advanceTimersByTimeAsync(0);

    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it('never pauses a container with nothing queued: only its own acks could wake it', async () => {
    const busy = delivery.sinkFor('busy');
    const idle = delivery.sinkFor('idle');
    for (let seq = 1; seq <= 12; seq++) busy.send(batchOf('busy', seq, 1000));

    expect(idle.isCongested()).toBe(false);
    const resumed = vi.fn();
    idle.onceDrained(resumed);
    await vi.advanceTimersByTimeAsync(0);
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it('gives a container that is no longer followed no share: its room goes to the others', () => {
    const a = delivery.sinkFor('a');
    delivery.sinkFor('b');
    for (let seq = 1; seq <= 6; seq++) a.send(batchOf('a', seq, 1000));
    expect(a.isCongested()).toBe(true);

    delivery.release('b');

    expect(a.isCongested()).toBe(false);
  });
});

describe('BatchDelivery counting what a pipeline holds', () => {
  it('stays exact when the room a pipeline frees wakes its paused stream, which reports again at once', async () => {
    vi.useFakeTimers();
    const delivery = new BatchDelivery({ channel: new StalledChannel(), logger: new RecordingLogger(), budget: new MemoryBudget({ maxBytes: 10_000, marginBytes: 0 }) });
    const sink = delivery.sinkFor('c1');
    sink.send(batchOf('c1', 1, 1000));
    sink.holding?.(9500);
    expect(sink.isCongested()).toBe(true);
    // The paused follower, woken, drops its stream and reports that it holds nothing.
    sink.onceDrained(() => sink.holding?.(0));
    await vi.advanceTimersByTimeAsync(0);

    sink.holding?.(2000);
    await vi.advanceTimersByTimeAsync(0);

    expect(delivery.heldBytes).toBe(heldBytesOf(batchOf('c1', 1, 1000)));
    delivery.stop();
    vi.useRealTimers();
  });
});

describe('a flood that fills the queue toward the memory bound (issue 9: one viewer paid for 8 KB batches)', () => {
  afterEach(() => vi.useRealTimers());

  /** Access-log-like lines, varied as real ones are (they compress about 4–5×), seeded. */
  function floodLine(seq: number): LogLine {
    const r = (n: number) => ((seq * 2654435761 + n * 40503) >>> 0) % 100_000;
    return { seq, ts: ts(seq), stream: 'stdout', text: `10.${r(1) % 250}.${r(2) % 250}.${r(3) % 250} - - "GET /api/v1/users/${r(4)}/orders?limit=${r(5) % 50} HTTP/1.1" ${200 + (r(6) % 5)} ${r(7)} rt=0.${r(8)} req=${r(9).toString(16)}${r(10).toString(16)}` };
  }

  it('keeps filling whole batches behind the unacknowledged one though its container passes three quarters of its bound: pausing the stream bounds memory, small batches would only cost more', () => {
    vi.useFakeTimers();
    const delivery = new BatchDelivery({ channel: new StalledChannel(), logger: new RecordingLogger(), budget: new MemoryBudget({ maxBytes: 8 * 1024 * 1024 }) });
    const sink = delivery.sinkFor('c1');
    const batches: LineBatch[] = [];
    const batcher = new LogBatcher({
      containerId: 'c1',
      epoch: 1,
      send: (batch) => {
        batches.push(batch);
        sink.send(batch);
      },
      idle: () => sink.idle!(),
      onceIdle: (listener) => sink.onceIdle!(listener),
      tight: () => sink.tight!(),
    });

    // About 10,000 lines a second, read until the follower would pause its stream.
    let seq = 0;
    while (!sink.isCongested()) {
      batcher.add(floodLine(++seq));
      if (seq % 10 === 0) vi.advanceTimersByTime(1);
    }
    batcher.flush();

    expect(delivery.heldBytes).toBeGreaterThan(0.75 * 8 * 1024 * 1024);
    // The first went after its linger, the second filled up to a guessed compression ratio, the
    // last was flushed; each other one fills its message, as it did before the bound came near.
    const middle = batches.slice(2, -1);
    expect(middle.length).toBeGreaterThan(8);
    const messageBytes = middle.map((batch) => batch.wire!.messages[0]!.json.length);
    expect(Math.min(...messageBytes)).toBeGreaterThan(64 * 1024);
    delivery.stop();
  });
});
