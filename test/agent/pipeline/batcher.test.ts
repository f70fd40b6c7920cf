import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogBatcher } from '../../../agent/pipeline/batcher';
import {
  AgentLogBatch,
  MAX_BATCH_BYTES,
  MAX_BATCH_LINES,
  MAX_LINE_BYTES,
  MAX_MESSAGE_BYTES,
  byteLength,
  decode,
  encode,
  type AgentLogBatch as AgentLogBatchMessage,
  type LogLine,
} from '../../../protocol';
import { ts } from '../support/docker-bytes';

const CONTAINER = 'c0ffee';

function line(seq: number, text = `line ${seq}`): LogLine {
  return { seq, ts: ts(seq), stream: 'stdout', text };
}

describe('LogBatcher', () => {
  let sent: AgentLogBatchMessage[];
  let batcher: LogBatcher;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    batcher = new LogBatcher({ containerId: CONTAINER, epoch: 7, send: (batch) => sent.push(batch) });
  });

  afterEach(() => {
    batcher.flush();
    vi.useRealTimers();
  });

  it('sends a batch 50 ms after its first line, with every line that came meanwhile', () => {
    batcher.add(line(1));
    vi.advanceTimersByTime(30);
    batcher.add(line(2));
    vi.advanceTimersByTime(19);
    expect(sent).toEqual([]);

    vi.advanceTimersByTime(1);

    expect(sent).toEqual([{ action: 'log.batch', containerId: CONTAINER, epoch: 7, lines: [line(1), line(2)] }]);
  });

  it('sends nothing when there is nothing to send', () => {
    batcher.flush();
    vi.advanceTimersByTime(1000);

    expect(sent).toEqual([]);
  });

  it(`sends as soon as a batch holds ${MAX_BATCH_LINES} lines`, () => {
    for (let seq = 1; seq <= MAX_BATCH_LINES + 1; seq++) batcher.add(line(seq));

    expect(sent).toHaveLength(1);
    expect(sent[0]!.lines).toHaveLength(MAX_BATCH_LINES);
    vi.advanceTimersByTime(50);
    expect(sent[1]!.lines.map((l) => l.seq)).toEqual([MAX_BATCH_LINES + 1]);
  });

  it('starts a new batch before the serialized size would pass MAX_BATCH_BYTES', () => {
    const text = 'z'.repeat(10_000);
    for (let seq = 1; seq <= 30; seq++) batcher.add(line(seq, text));
    batcher.flush();

    expect(sent.length).toBeGreaterThan(1);
    for (const batch of sent) expect(byteLength(encode(batch))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // Full batches are full: the next line would not have fitted.
    const lineBytes = byteLength(JSON.stringify(line(1, text)));
    for (const batch of sent.slice(0, -1)) expect(byteLength(encode(batch)) + lineBytes + 1).toBeGreaterThan(MAX_BATCH_BYTES);
  });

  it('tracks the serialized size exactly', () => {
    batcher.add(line(1, 'a "quoted" \\ line\twith\u0001control'));
    batcher.add(line(2, 'ünïcødé €'));

    const message: AgentLogBatchMessage = {
      action: 'log.batch',
      containerId: CONTAINER,
      epoch: 7,
      lines: [line(1, 'a "quoted" \\ line\twith\u0001control'), line(2, 'ünïcødé €')],
    };

    expect(batcher.pendingBytes).toBe(byteLength(encode(message)));
  });

  it.each([
    ['16 KB of control characters (6 bytes each in JSON)', '\u0001'.repeat(MAX_LINE_BYTES)],
    ['16 KB of quotes', '"'.repeat(MAX_LINE_BYTES)],
    ['16 KB of 4-byte characters', '𝄞'.repeat(MAX_LINE_BYTES / 4)],
  ])('keeps every message within the limits, even for lines of %s', (_, text) => {
    for (let seq = 1; seq <= 20; seq++) batcher.add(line(seq, text));
    batcher.flush();

    for (const batch of sent) {
      const encoded = encode(batch);
      expect(byteLength(encoded)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      expect(byteLength(encoded)).toBeLessThan(MAX_MESSAGE_BYTES);
      expect(batch.lines.length).toBeLessThanOrEqual(MAX_BATCH_LINES);
      expect(decode(AgentLogBatch, encoded).ok).toBe(true);
    }
  });

  it('cuts a line that alone would not fit a batch, and flags it truncated', () => {
    const huge = '\u0000'.repeat(MAX_LINE_BYTES);

    batcher.add(line(1, huge));
    batcher.flush();

    const [only] = sent[0]!.lines;
    expect(only!.truncated).toBe(true);
    expect(huge.startsWith(only!.text)).toBe(true);
    expect(byteLength(encode(sent[0]!))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(byteLength(encode(sent[0]!)) + 6).toBeGreaterThan(MAX_BATCH_BYTES);
  });

  it('keeps seq order within and across batches', () => {
    for (let seq = 1; seq <= 1234; seq++) batcher.add(line(seq, 'x'.repeat(seq % 300)));
    batcher.flush();

    const seqs = sent.flatMap((batch) => batch.lines.map((l) => l.seq));
    expect(seqs).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
  });
});
