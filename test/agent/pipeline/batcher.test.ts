import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLOOD_WINDOW_MS, LogBatcher } from '../../../agent/pipeline/batcher';
import type { LineBatch } from '../../../agent/pipeline/line-batch';
import { lineObjectBytes } from '../../../agent/transport/memory-budget';
import {
  AgentLogBatch,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_LINES,
  MAX_BATCH_PARTS,
  MAX_LINE_BYTES,
  MAX_PACKED_BYTES,
  byteLength,
  decode,
  type LogLine,
} from '../../../protocol';
import { linesOfPacked } from '../../support/packed-batches';
import { ts } from '../support/docker-bytes';

const CONTAINER = 'c0ffee';

function line(seq: number, text = `line ${seq}`): LogLine {
  return { seq, ts: ts(seq), stream: 'stdout', text };
}

/** An access log line: repetitive, as most logs are. */
function accessLine(seq: number): LogLine {
  return line(seq, `10.0.${seq % 7}.${seq % 13} - - "GET /api/items/${seq % 101} HTTP/1.1" 200 ${seq % 997} "-" "curl/8.${seq % 5}"`);
}

/** Access-log-like lines with varied numbers, as real ones are: they compress about 4–5×. */
function variedLine(seq: number): LogLine {
  const r = (n: number) => ((seq * 2654435761 + n * 40503) >>> 0) % 100_000;
  return line(seq, `10.${r(1) % 250}.${r(2) % 250}.${r(3) % 250} - - "GET /api/v1/users/${r(4)}/orders?limit=${r(5) % 50} HTTP/1.1" ${200 + (r(6) % 5)} ${r(7)} rt=0.${r(8)} req=${r(9).toString(16)}${r(10).toString(16)}`);
}

/** Random printable ASCII: text that deflate can hardly shrink. */
function incompressible(length: number): string {
  return Array.from(randomBytes(length), (byte) => String.fromCharCode(0x21 + (byte % 94))).join('');
}

/** The messages of a batch, checked against the protocol, with the lines their packed data carries. */
function onWire(batch: LineBatch): { messages: AgentLogBatch[]; lines: LogLine[] } {
  const messages = batch.wire!.messages.map((m) => m.message);
  for (const { message, json } of batch.wire!.messages) {
    expect(byteLength(json)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(decode(AgentLogBatch, json).ok).toBe(true);
    expect(JSON.parse(json)).toEqual(message);
  }
  return { messages, lines: linesOfPacked(messages) };
}

describe('LogBatcher', () => {
  let sent: LineBatch[];
  let batcher: LogBatcher;
  /** Whether the container has a batch waiting for its ack (the sink's side, played here). */
  let inFlight: boolean;
  let idleListeners: (() => void)[];

  function acked(): void {
    inFlight = false;
    const listeners = idleListeners;
    idleListeners = [];
    for (const listener of listeners) listener();
  }

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    inFlight = false;
    idleListeners = [];
    batcher = new LogBatcher({
      containerId: CONTAINER,
      epoch: 7,
      send: (batch) => {
        sent.push(batch);
        inFlight = true;
      },
      idle: () => !inFlight,
      onceIdle: (listener) => {
        idleListeners.push(listener);
        return () => (idleListeners = idleListeners.filter((l) => l !== listener));
      },
    });
  });

  afterEach(() => {
    batcher.flush();
    vi.useRealTimers();
  });

  describe('when a batch goes', () => {
    it('sends a line that finds nothing in flight 5 ms after it came, with the lines of its burst', () => {
      batcher.add(line(1));
      vi.advanceTimersByTime(3);
      batcher.add(line(2));
      vi.advanceTimersByTime(1);
      expect(sent).toEqual([]);

      vi.advanceTimersByTime(1);

      expect(sent.map((b) => b.lines)).toEqual([[line(1), line(2)]]);
      expect(sent[0]).toMatchObject({ containerId: CONTAINER, epoch: 7 });
      expect(onWire(sent[0]!)).toMatchObject({ messages: [{ action: 'log.batch', containerId: CONTAINER, epoch: 7, firstSeq: 1, lastSeq: 2 }], lines: [line(1), line(2)] });
    });

    it('sends a trickle line by line, each 5 ms after it came, when each batch is acked before the next line', () => {
      for (let seq = 1; seq <= 3; seq++) {
        batcher.add(line(seq));
        vi.advanceTimersByTime(5);
        expect(sent.at(-1)!.lines).toEqual([line(seq)]);
        acked();
        vi.advanceTimersByTime(100);
      }
      expect(sent).toHaveLength(3);
    });

    it('gathers the lines that come while a batch waits for its ack, and sends them as one batch at the ack', () => {
      batcher.add(line(1));
      vi.advanceTimersByTime(5);
      for (let seq = 2; seq <= 400; seq++) {
        batcher.add(line(seq));
        vi.advanceTimersByTime(1);
      }
      expect(sent).toHaveLength(1);

      acked();

      expect(sent.map((b) => [b.lines[0]!.seq, b.lines.at(-1)!.seq])).toEqual([
        [1, 1],
        [2, 400],
      ]);
    });

    it(`lets a flood’s batch that is not full at the ack wait out its window, ${FLOOD_WINDOW_MS} ms from its first line, to fill up`, () => {
      batcher.add(line(1));
      vi.advanceTimersByTime(5);
      for (let seq = 2; seq <= 150; seq++) batcher.add(line(seq));
      vi.advanceTimersByTime(10);

      acked();
      for (let seq = 151; seq <= 300; seq++) batcher.add(line(seq));
      vi.advanceTimersByTime(FLOOD_WINDOW_MS - 11);
      expect(sent).toHaveLength(1);

      vi.advanceTimersByTime(1);

      expect(sent.map((b) => [b.lines[0]!.seq, b.lines.at(-1)!.seq])).toEqual([
        [1, 1],
        [2, 300],
      ]);
    });

    it('sends a steady flood that the cloud acks at once in batches of a quarter second, not one per round trip (a 50 ms window made a 1.1 MB/s stream cost $0.13 per GB)', () => {
      // ~1 MB/s of varied lines for 2 s, each batch acked 2 ms after it went.
      let seq = 0;
      let ackAt = -1;
      const sentAt: number[] = [];
      for (let ms = 0; ms < 2000; ms++) {
        for (let i = 0; i < 6; i++) batcher.add(variedLine(++seq));
        const before = sent.length;
        vi.advanceTimersByTime(1);
        if (sent.length > before) {
          sentAt.push(ms);
          ackAt = ms + 2;
        }
        if (ms === ackAt) acked();
      }

      // The first batch goes after its linger; the others a window after their first line.
      const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!);
      expect(sentAt.length).toBeLessThanOrEqual(2000 / FLOOD_WINDOW_MS + 2);
      for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(FLOOD_WINDOW_MS - 5);
      expect(FLOOD_WINDOW_MS).toBeGreaterThanOrEqual(250);
    });

    it('still sends a lone line that follows a flood 5 ms after it came: it does not come at a flood’s rate', () => {
      let seq = 0;
      for (let ms = 0; ms < 600; ms++) {
        for (let i = 0; i < 6; i++) batcher.add(variedLine(++seq));
        vi.advanceTimersByTime(1);
        if (inFlight) acked();
      }
      vi.advanceTimersByTime(FLOOD_WINDOW_MS);
      if (inFlight) acked();
      const before = sent.length;

      vi.advanceTimersByTime(20);
      batcher.add(variedLine(++seq));
      vi.advanceTimersByTime(5);

      expect(sent.slice(before).map((b) => b.lines.map((l) => l.seq))).toEqual([[seq]]);
    });

    it('sends each burst of a container that writes in bursts (20 lines every 100 ms, 200 a second) 5 ms after its first line: its rate is no flood’s', () => {
      let seq = 0;
      const sentAt: number[] = [];
      for (let ms = 0; ms < 1000; ms++) {
        if (ms % 100 === 0) for (let i = 0; i < 20; i++) batcher.add(variedLine(++seq));
        const before = sent.length;
        vi.advanceTimersByTime(1);
        if (sent.length > before) sentAt.push(ms + 1);
        if (inFlight) acked();
      }

      expect(sentAt).toEqual(Array.from({ length: 10 }, (_, i) => i * 100 + 5));
    });

    it('sends one long line that finds nothing in flight (a 20 KB JSON dump) 5 ms after it came: a lone line is a trickle, however long', () => {
      vi.advanceTimersByTime(60_000);

      batcher.add(line(1, `{"payload":"${'x'.repeat(20_000)}"}`));
      vi.advanceTimersByTime(5);

      expect(sent).toHaveLength(1);
    });

    it('sends a 120-line stack trace that finds nothing in flight 5 ms after its first line: a burst after a quiet spell is a trickle', () => {
      vi.advanceTimersByTime(60_000);

      batcher.add(line(1, 'java.lang.IllegalStateException: boom'));
      for (let seq = 2; seq <= 120; seq++) batcher.add(line(seq, `\tat com.acme.orders.OrderService.step${seq}(OrderService.java:${seq})`));
      vi.advanceTimersByTime(5);

      expect(sent.map((b) => b.lines.length)).toEqual([120]);
    });

    it('lets a flood of long lines wait out its window too: 16 KB gathered when it could go makes a flood, however few lines hold it', () => {
      batcher.add(line(1));
      vi.advanceTimersByTime(5);
      // 40 lines of 500 characters: 20 KB, far from full, in fewer than 100 lines.
      for (let seq = 2; seq <= 41; seq++) batcher.add(line(seq, `${seq} ${'a'.repeat(500)}`));
      vi.advanceTimersByTime(10);

      acked();
      for (let seq = 42; seq <= 81; seq++) batcher.add(line(seq, `${seq} ${'a'.repeat(500)}`));
      vi.advanceTimersByTime(FLOOD_WINDOW_MS - 11);
      expect(sent).toHaveLength(1);

      vi.advanceTimersByTime(1);

      expect(sent.map((b) => [b.lines[0]!.seq, b.lines.at(-1)!.seq])).toEqual([
        [1, 1],
        [2, 81],
      ]);
    });

    it('still sends a short burst of long lines (a stack trace, under 16 KB) 5 ms after its first line', () => {
      for (let seq = 1; seq <= 30; seq++) batcher.add(line(seq, `\tat com.acme.orders.OrderService.placeOrder(OrderService.java:${seq}) ${'x'.repeat(300)}`));
      vi.advanceTimersByTime(4);
      expect(sent).toEqual([]);

      vi.advanceTimersByTime(1);

      expect(sent.map((b) => b.lines.length)).toEqual([30]);
    });

    it('sends nothing when there is nothing to send', () => {
      batcher.flush();
      acked();
      vi.advanceTimersByTime(1000);

      expect(sent).toEqual([]);
    });

    it('sends what it holds on flush, whether or not a batch is in flight', () => {
      inFlight = true;
      batcher.add(line(1));
      vi.advanceTimersByTime(10);
      expect(sent).toEqual([]);

      batcher.flush();

      expect(sent.map((b) => b.lines)).toEqual([[line(1)]]);
      acked();
      expect(sent).toHaveLength(1);
    });

    it('sends what it gathered at once when the container is near its memory bound, instead of holding it back', () => {
      let tight = false;
      const tightSent: LineBatch[] = [];
      const gathering = new LogBatcher({ containerId: CONTAINER, epoch: 7, send: (batch) => tightSent.push(batch), idle: () => false, onceIdle: () => () => {}, tight: () => tight });
      for (let seq = 1; seq <= 1500; seq++) gathering.add(line(seq));
      expect(tightSent).toEqual([]);

      tight = true;
      let seq = 1501;
      let textAfterTight = 0;
      while (tightSent.length === 0 && textAfterTight < 64 * 1024) {
        const next = line(seq++, 'x'.repeat(1000));
        textAfterTight += next.text.length;
        gathering.add(next);
      }

      // Asked every 8 KB gathered: what goes past the bound is at most that much, however long the lines.
      expect(textAfterTight).toBeLessThanOrEqual(8 * 1024 + 1000);
      expect(tightSent.map((b) => [b.lines[0]!.seq, b.lines.at(-1)!.seq])).toEqual([[1, seq - 1]]);
      gathering.flush();
    });

    it('without a sink that tells, sends every batch 5 ms after its first line', () => {
      const alone: LineBatch[] = [];
      const plain = new LogBatcher({ containerId: CONTAINER, epoch: 7, send: (batch) => alone.push(batch) });
      plain.add(line(1));
      vi.advanceTimersByTime(5);
      plain.add(line(2));
      vi.advanceTimersByTime(5);

      expect(alone.map((b) => b.lines)).toEqual([[line(1)], [line(2)]]);
    });
  });

  describe('how large a batch is', () => {
    it(`sends as soon as a batch holds ${MAX_BATCH_LINES} lines`, () => {
      inFlight = true;
      // The first batches close early, at the ratio assumed before one was measured.
      for (let seq = 1; seq <= 4 * MAX_BATCH_LINES; seq++) batcher.add(line(seq, 'same'));

      expect(sent.every((b) => b.lines.length <= MAX_BATCH_LINES)).toBe(true);
      const full = sent.filter((b) => b.lines.length === MAX_BATCH_LINES);
      expect(full.length).toBeGreaterThan(0);
      expect(onWire(full[0]!).lines).toHaveLength(MAX_BATCH_LINES);
    });

    it('fills batches by their bytes after compression: far more lines than fit uncompressed, each message near the bound and never past it', () => {
      inFlight = true;
      for (let seq = 1; seq <= 30_000; seq++) batcher.add(accessLine(seq));
      batcher.flush();

      const full = sent.slice(0, -1);
      expect(full.length).toBeGreaterThan(1);
      const jsonBytes = (b: LineBatch) => b.lines.reduce((sum, l) => sum + byteLength(JSON.stringify(l)), 0);
      for (const batch of full.slice(2)) {
        // Once the ratio is learned: well past a message of lines as JSON, and close to the bound.
        expect(jsonBytes(batch)).toBeGreaterThan(2 * MAX_BATCH_BYTES);
        expect(byteLength(batch.wire!.messages[0]!.json)).toBeGreaterThan(0.6 * MAX_BATCH_BYTES);
      }
      for (const batch of sent) expect(batch.wire!.messages).toHaveLength(1);
      expect(sent.flatMap((b) => onWire(b).lines)).toEqual(Array.from({ length: 30_000 }, (_, i) => accessLine(i + 1)));
      expect(batcher.compressionRatio).toBeLessThan(0.3);
    });

    it('fills each message of a flood of varied lines to within 6 % of the bound once the ratio is learned: API Gateway bills 3 units of 32 KB for it, full or not', () => {
      inFlight = true;
      for (let seq = 1; seq <= 30_000; seq++) batcher.add(variedLine(seq));
      batcher.flush();

      const learned = sent.slice(2, -1);
      expect(learned.length).toBeGreaterThan(5);
      for (const batch of learned) {
        expect(batch.wire!.messages).toHaveLength(1);
        expect(byteLength(batch.wire!.messages[0]!.json)).toBeGreaterThan(0.94 * MAX_BATCH_BYTES);
      }
    });

    it('splits a batch whose packed message would pass the bound (lines that compress badly), so that none goes in parts', () => {
      inFlight = true;
      for (let seq = 1; seq <= 100; seq++) batcher.add(line(seq, incompressible(3000)));
      batcher.flush();

      expect(sent.length).toBeGreaterThan(3);
      for (const batch of sent) expect(onWire(batch).messages).toHaveLength(1);
      expect(sent.flatMap((b) => b.lines.map((l) => l.seq))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(sent.flatMap((b) => onWire(b).lines).every((l) => !l.truncated)).toBe(true);
    });

    it('sends a line too large for one message whole, alone, in parts; the lines around it in whole batches', () => {
      inFlight = true;
      const long = line(2, incompressible(200_000));
      batcher.add(line(1));
      batcher.add(long);
      batcher.add(line(3));
      batcher.flush();

      const inParts = sent.filter((b) => b.wire!.messages.length > 1);
      expect(inParts.map((b) => b.lines)).toEqual([[long]]);
      const { messages, lines } = onWire(inParts[0]!);
      expect(messages.map((m) => m.part)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
      expect(lines).toEqual([long]);
      expect(sent.flatMap((b) => b.lines)).toEqual([line(1), long, line(3)]);
    });

    it.each([
      ['control characters (six bytes each in JSON, compressing badly)', () => Array.from(randomBytes(MAX_LINE_BYTES), (b) => String.fromCharCode(b % 32)).join('')],
      ['random 4-byte characters', () => Array.from(randomBytes(MAX_LINE_BYTES / 4), (b) => String.fromCodePoint(0x10000 + b * 97)).join('')],
    ])('keeps a 256 KB line of %s within the parts a batch may have, cut with its original size where it must be', (_, make) => {
      const text = make();
      batcher.add(line(1, text));
      batcher.flush();

      const [batch] = sent;
      const { messages, lines } = onWire(batch!);
      expect(messages.length).toBeLessThanOrEqual(MAX_BATCH_PARTS);
      expect(batch!.wire!.compressedBytes).toBeLessThanOrEqual(MAX_PACKED_BYTES);
      expect(batch!.wire!.bodyBytes).toBeLessThanOrEqual(MAX_BATCH_BODY_BYTES);
      const [only] = lines;
      expect(text.startsWith(only!.text)).toBe(true);
      if (only!.text !== text) expect(only).toMatchObject({ truncated: true, originalBytes: byteLength(text) });
    });

    it('keeps seq order within and across batches', () => {
      for (let seq = 1; seq <= 1234; seq++) {
        batcher.add(line(seq, 'x'.repeat(seq % 300)));
        if (seq % 100 === 0) acked();
      }
      batcher.flush();

      const seqs = sent.flatMap((batch) => onWire(batch).lines.map((l) => l.seq));
      expect(seqs).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    });

    it('says what the batch being collected will cost once packed, and nothing when empty', () => {
      expect(batcher.pendingBytes).toBe(0);
      batcher.add(line(1, 'x'.repeat(1000)));

      expect(batcher.pendingBytes).toBeGreaterThan(0);
      batcher.flush();
      expect(batcher.pendingBytes).toBe(0);
    });

    it('counts each line object from its add until its batch goes, once: also the line whose add closed the full batch before it', () => {
      const held: number[] = [];
      const batcher = new LogBatcher({
        containerId: CONTAINER,
        epoch: 7,
        maxBatchLines: 3,
        send: () => held.push(batcher.pendingObjectBytes),
        idle: () => false,
        onceIdle: () => () => {},
      });
      const big = 'x'.repeat(80_000);

      batcher.add(line(1, big));
      expect(batcher.pendingObjectBytes).toBe(lineObjectBytes(big));
      // Full by bytes: line 2's add sends line 1, and line 2 is held, counted.
      batcher.add(line(2, big));
      expect(held).toEqual([0]);
      expect(batcher.pendingObjectBytes).toBe(lineObjectBytes(big));
      // Full by lines: line 4's add sends lines 2–4 with it, and nothing is counted any more.
      batcher.add(line(3, 'a'));
      batcher.add(line(4, 'b'));

      expect(held).toEqual([0, 0]);
      expect(batcher.pendingObjectBytes).toBe(0);
      batcher.add(line(5, 'c'));
      expect(batcher.pendingObjectBytes).toBe(lineObjectBytes('c'));
      batcher.flush();
      expect(batcher.pendingObjectBytes).toBe(0);
    });
  });
});
