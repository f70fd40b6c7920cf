import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryLag, type HeldBatches } from '../../../agent/status/delivery-lag';
import { SkipMarkerTally } from '../../../agent/status/skip-marker-tally';
import { StatusReporter } from '../../../agent/status/status-reporter';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import type { AgentStatus, LogLine } from '../../../protocol';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString().replace('Z', '000000Z');

function line(seq: number, tsMs: number, skipped?: LogLine['skipped']): LogLine {
  return { seq, ts: at(tsMs), stream: 'stdout', text: skipped ? 'skipped' : `line ${seq}`, ...(skipped ? { skipped } : {}) };
}

function batch(containerId: string, lines: LogLine[], epoch = 1): LineBatch {
  return { containerId, epoch, lines };
}

class Held implements HeldBatches {
  readonly batches = new Map<string, LineBatch[]>();
  unacknowledged(containerId: string) {
    return this.batches.get(containerId) ?? [];
  }
  hasOutbox(containerId: string) {
    return this.batches.has(containerId);
  }
}

describe('the skip marker tally', () => {
  it('adds up the lines of the markers acknowledged, per reason, and says when a count is only a lower bound', () => {
    const counts = new SkipMarkerTally();

    counts.acknowledged(batch('c1', [line(1, T0, { reason: 'catch_up', lines: 99_000, atLeast: true, from: at(T0), to: at(T0) }), line(2, T0)]));
    counts.acknowledged(batch('c2', [line(7, T0, { reason: 'refused', lines: 40, from: at(T0), to: at(T0) })]));
    counts.acknowledged(batch('c2', [line(9, T0, { reason: 'rotated', from: at(T0), to: at(T0) }), line(10, T0, { reason: 'refused', lines: 2, from: at(T0), to: at(T0) })]));

    expect(counts.snapshot()).toEqual({
      catch_up: { markers: 1, lines: 99_000, atLeast: true },
      refused: { markers: 2, lines: 42 },
      rotated: { markers: 1, lines: 0, atLeast: true },
    });
  });

  it('reports nothing skipped when no marker was acknowledged', () => {
    const counts = new SkipMarkerTally();
    counts.acknowledged(batch('c1', [line(1, T0)]));

    expect(counts.snapshot()).toEqual({});
  });
});

describe('delivery lag', () => {
  it('is the age of the oldest unacked line of any container, with the count of unacked lines', () => {
    const held = new Held();
    let now = T0;
    const lag = new DeliveryLag(held, () => now);
    lag.streamStarted('c1');
    lag.streamStarted('c2');
    held.batches.set('c1', [batch('c1', [line(1, T0 + 1_000), line(2, T0 + 2_000)]), batch('c1', [line(3, T0 + 3_000)])]);
    held.batches.set('c2', [batch('c2', [line(1, T0 + 500)])]);
    now = T0 + 10_000;

    expect(lag.measure()).toEqual({ lagMs: 9_500, pendingLines: 4 });
  });

  it('is zero when every line handed over is acked', () => {
    const held = new Held();
    const lag = new DeliveryLag(held, () => T0);
    lag.streamStarted('c1');
    held.batches.set('c1', []);

    expect(lag.measure()).toEqual({ lagMs: 0, pendingLines: 0 });
  });

  it('counts history read at a stream\'s start from that start, not from when Docker wrote it', () => {
    const held = new Held();
    let now = T0;
    const lag = new DeliveryLag(held, () => now);
    lag.streamStarted('c1');
    held.batches.set('c1', [batch('c1', [line(1, T0 - 3 * 3_600_000)])]);
    now = T0 + 200;

    expect(lag.measure().lagMs).toBe(200);
  });

  it('forgets a container once delivery holds nothing for it: a later outbox counts once its stream starts again', () => {
    const held = new Held();
    const lag = new DeliveryLag(held, () => T0 + 5_000);
    lag.streamStarted('c1');
    held.batches.set('c1', [batch('c1', [line(1, T0)])]);
    expect(lag.measure().pendingLines).toBe(1);

    held.batches.delete('c1');
    expect(lag.measure()).toEqual({ lagMs: 0, pendingLines: 0 });
    held.batches.set('c1', [batch('c1', [line(1, T0)])]);
    expect(lag.measure()).toEqual({ lagMs: 0, pendingLines: 0 });
    lag.streamStarted('c1');

    expect(lag.measure()).toEqual({ lagMs: 0, pendingLines: 1 });
  });
});

describe('status reporter', () => {
  afterEach(() => vi.useRealTimers());

  it('reports lag and skips every interval, with strictly increasing times and the process\'s start', () => {
    vi.useFakeTimers({ now: T0 });
    const sent: AgentStatus[] = [];
    const held = new Held();
    const skips = new SkipMarkerTally();
    const reporter = new StatusReporter({ lag: new DeliveryLag(held), skipped: () => skips.snapshot(), send: (m) => (sent.push(m), true), intervalMs: 60_000 });
    reporter.start();
    skips.acknowledged(batch('c1', [line(1, T0, { reason: 'catch_up', lines: 10, from: at(T0), to: at(T0) })]));

    vi.advanceTimersByTime(120_000);
    reporter.stop();
    vi.advanceTimersByTime(120_000);

    expect(sent).toEqual([
      { action: 'agent.status', observedAt: T0 + 60_000, since: T0, lagMs: 0, pendingLines: 0, skipped: { catch_up: { markers: 1, lines: 10 } } },
      { action: 'agent.status', observedAt: T0 + 120_000, since: T0, lagMs: 0, pendingLines: 0, skipped: { catch_up: { markers: 1, lines: 10 } } },
    ]);
  });

  it('skips a report that cannot go, and the next carries the same totals', () => {
    const sent: AgentStatus[] = [];
    let connected = false;
    const reporter = new StatusReporter({ lag: new DeliveryLag(new Held()), skipped: () => ({}), send: (m) => connected && (sent.push(m), true), now: () => T0 });

    expect(reporter.report()).toBe(false);
    connected = true;
    expect(reporter.report()).toBe(true);
    expect(reporter.report()).toBe(true);

    expect(sent.map((m) => m.observedAt)).toEqual([T0, T0 + 1]);
  });
});
