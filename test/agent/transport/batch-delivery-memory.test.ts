import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchDelivery, heldBytesOf, type DeliveryChannel } from '../../../agent/transport/batch-delivery';
import { MemoryBudget } from '../../../agent/transport/memory-budget';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import type { AgentToCloud } from '../../../protocol';
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
