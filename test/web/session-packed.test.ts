/**
 * The session with packed batches (docs/protocol.md, "Packed lines"), on an in-memory socket:
 * batches read asynchronously take effect in arrival order, parts are joined, a batch that cannot
 * be read becomes a gap that is fetched, and scrolling back asks for older lines.
 */
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_FETCH_LINES, type CloudToViewer, type LogLine, type ViewerLogBatch } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { PART_MAX_AGE_MS } from '../../web/src/api/batch-parts';
import { createSession, REFETCH_GAPS_MS, type Session } from '../../web/src/session/create-session';

const web = { agentId: 'agent-1', containerId: 'web' };

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const lines = (seqs: number[]): LogLine[] =>
  seqs.map((seq) => ({ seq, ts: `2026-11-25T12:${String(Math.floor(seq / 60) % 60).padStart(2, '0')}:${String(seq % 60).padStart(2, '0')}.000000001Z`, stream: 'stdout', text: `GET /orders/${seq * 7919} 200 ${seq}` }));
const live = (seqs: number[], epoch = 7): ViewerLogBatch => ({ action: 'log.batch', ...web, epoch, ...compressLines(lines(seqs)) });
/** A live batch cut into `count` parts, each the next piece of the compressed bytes. */
const liveParts = (seqs: number[], count: number, epoch = 7): ViewerLogBatch[] => {
  const whole = compressLines(lines(seqs));
  const bytes = Buffer.from(whole.data, 'base64');
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, index) => ({
    action: 'log.batch' as const, ...web, epoch, firstSeq: whole.firstSeq, lastSeq: whole.lastSeq,
    data: bytes.subarray(index * size, (index + 1) * size).toString('base64'), part: { index, count },
  }));
};

describe('a dashboard session reading packed batches', () => {
  let sent: Record<string, unknown>[];
  let handlers: SocketHandlers;
  let session: Session;
  let warnings: string[];
  /** Frames as they come off the socket, one right behind the other; then waits until all took effect. */
  const receive = async (...messages: CloudToViewer[]) => {
    for (const message of messages) handlers.onMessage(JSON.stringify(message));
    await session.settled();
  };
  const fetches = () => sent.filter((m) => m.action === 'log.fetch');
  const shape = () => session.logs.view(web).rows.map((row) => (row.kind === 'line' ? row.seq : row.kind === 'gap' ? `gap ${row.fromSeq}-${row.toSeq}` : row.kind));

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    warnings = [];
    vi.spyOn(console, 'warn').mockImplementation((text: string) => void warnings.push(text));
    const openSocket: SocketFactory = (_url, socketHandlers) => {
      handlers = socketHandlers;
      return { send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>), close: () => {} };
    };
    session = createSession({ url: 'ws://test', openSocket });
    handlers.onOpen();
    session.select(web);
  });

  afterEach(() => {
    session.close();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('applies messages in arrival order though a large batch takes longer to read than the small one behind it', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [], done: true });

    await receive(live(range(1, 8000)), live([8001]), live([8002]));

    expect(session.logs.view(web).lineCount).toBe(8002);
    expect(shape().slice(-3)).toEqual([8000, 8001, 8002]);
    expect(fetches()).toEqual([]);
  });

  it('takes a history, then a reset history and the live lines after it, each in turn', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(range(4001, 5000)))], done: true });
    session.select({ agentId: 'agent-1', containerId: 'db' });
    session.select(web);

    await receive({ action: 'log.history', ...web, epoch: 9, batches: [compressLines(lines([1, 2]))], done: true, reset: true }, live([3], 9));

    expect(shape()).toEqual(['restart', 1, 2, 3]);
  });

  it('shows a history whose first batch reaches back before the newest lines whole', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(range(1, 600))), compressLines(lines(range(601, 1500)))], done: true });

    expect(session.logs.view(web).lineCount).toBe(1500);
  });

  it('joins a live batch sent in parts, whatever order the parts come in', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1]))], done: true });
    const [first, second, third] = liveParts(range(2, 3000), 3);

    await receive(third!, first!);
    expect(shape()).toEqual([1]);
    await receive(second!);

    expect(session.logs.view(web).lineCount).toBe(3000);
    expect(fetches()).toEqual([]);
  });

  it('joins a stored batch whose parts come in consecutive history messages', async () => {
    const [first, second] = liveParts(range(1, 2000), 2);
    const part = ({ firstSeq, lastSeq, data, part }: ViewerLogBatch) => ({ firstSeq, lastSeq, data, ...(part ? { part } : {}) });

    await receive(
      { action: 'log.history', ...web, epoch: 7, batches: [part(first!)], done: false },
      { action: 'log.history', ...web, epoch: 7, batches: [part(second!), compressLines(lines([2001]))], done: true },
    );

    expect(session.logs.view(web).lineCount).toBe(2001);
  });

  it('drops a batch that inflates past MAX_BATCH_BODY_BYTES, shows its seqs as a gap and fetches them', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1, 2]))], done: true });
    const bomb = deflateRawSync(Buffer.alloc(MAX_BATCH_BODY_BYTES * 4, 0x20)).toString('base64');

    await receive({ action: 'log.batch', ...web, epoch: 7, firstSeq: 3, lastSeq: 9, data: bomb });

    expect(shape()).toEqual([1, 2, 'gap 3-9']);
    expect(fetches()).toEqual([{ action: 'log.fetch', ...web, epoch: 7, afterSeq: 2, toSeq: 9 }]);
    expect(warnings.join('\n')).toMatch(/lines 3–9 of web are fetched again: packed lines inflate past/);
    await receive(live([10]));
    expect(shape()).toEqual([1, 2, 'gap 3-9', 10]);
  });

  it('gives up a batch whose parts stopped coming, and fetches its seqs', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1]))], done: true });
    await receive(liveParts(range(2, 50), 2)[0]!);

    vi.advanceTimersByTime(PART_MAX_AGE_MS + REFETCH_GAPS_MS);
    await session.settled();

    expect(shape()).toEqual([1, 'gap 2-50']);
    expect(fetches()).toContainEqual({ action: 'log.fetch', ...web, epoch: 7, afterSeq: 1, toSeq: 50 });
  });

  it('fetches nothing for the stopped parts of a container no longer watched', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1]))], done: true });
    await receive(liveParts(range(2, 50), 2)[0]!);
    session.select({ agentId: 'agent-1', containerId: 'db' });

    vi.advanceTimersByTime(PART_MAX_AGE_MS + REFETCH_GAPS_MS);
    await session.settled();

    expect(fetches()).toEqual([]);
  });

  it('gives up a batch whose parts are overtaken by a later batch; the gap is fetched', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1]))], done: true });

    await receive(liveParts(range(2, 50), 2)[0]!, live([51]));

    expect(shape()).toEqual([1, 'gap 2-50', 51]);
    expect(fetches()).toEqual([{ action: 'log.fetch', ...web, epoch: 7, afterSeq: 1, toSeq: 50 }]);
  });

  it('keeps the lines of a fetched batch beyond the range asked (stored batches are whole)', async () => {
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines([1]))], done: true }, live([40]));

    await receive({ action: 'log.fetched', ...web, epoch: 7, afterSeq: 1, toSeq: 39, batches: [compressLines(lines(range(2, 45)))], done: true });

    expect(shape()).toEqual(range(1, 45));
  });

  describe('scrolling back', () => {
    it('asks for the lines before the oldest held when the reader reaches the top, and merges them in seq order', async () => {
      await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(range(1501, 2500)))], done: true });

      session.logs.loadOlder(web);
      expect(fetches()).toEqual([{ action: 'log.fetch', ...web, epoch: 7, afterSeq: 1500 - MAX_FETCH_LINES, toSeq: 1500 }]);
      expect(session.logs.view(web).olderStatus).toBe('loading');
      await receive({ action: 'log.fetched', ...web, epoch: 7, afterSeq: 500, toSeq: 1500, batches: [compressLines(lines(range(401, 1500)))], done: true });

      expect(shape().slice(0, 2)).toEqual([401, 402]);
      expect(session.logs.view(web).lineCount).toBe(2100);
      expect(session.logs.view(web).olderStatus).toBe('idle');
    });

    it('marks the start of the buffer when nothing older comes back, and asks no more', async () => {
      await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(range(1501, 2500)))], done: true });
      session.logs.loadOlder(web);
      await receive({ action: 'log.fetched', ...web, epoch: 7, afterSeq: 500, toSeq: 1500, batches: [], done: true });

      session.logs.loadOlder(web);

      expect(session.logs.view(web).olderStatus).toBe('exhausted');
      expect(fetches()).toHaveLength(1);
    });

    it('keeps closing gaps while scrolling back: the tail check still asks what follows the last line', async () => {
      await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(range(1501, 2500)))], done: true });
      session.logs.loadOlder(web);

      vi.advanceTimersByTime(10_000);

      expect(fetches()).toContainEqual({ action: 'log.fetch', ...web, epoch: 7, afterSeq: 2500, toSeq: 2500 + MAX_FETCH_LINES });
    });
  });
});
