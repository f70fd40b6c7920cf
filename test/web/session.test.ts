/**
 * The session's wiring, on an in-memory socket and fake timers: what the dashboard sends when a
 * stream goes quiet, and when a subscribe is refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_FETCH_LINES, type CloudToViewer, type LogLine } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { createSession, type Session } from '../../web/src/session/create-session';
import { RESUBSCRIBE_FIRST_MS } from '../../web/src/session/subscribe-retry';
import { TAIL_CHECK_FIRST_MS } from '../../web/src/session/tail-check';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };

const lines = (...seqs: number[]): LogLine[] => seqs.map((seq) => ({ seq, ts: `2026-11-25T12:00:${String(seq % 60).padStart(2, '0')}.000000000Z`, stream: 'stdout', text: `line ${seq}` }));
/** The batches of a log.history or log.fetched carrying these lines, packed as the agent sends them. */
const batches = (...seqs: number[]) => (seqs.length === 0 ? [] : [compressLines(lines(...seqs))]);

describe('a dashboard session', () => {
  let sent: Record<string, unknown>[];
  let handlers: SocketHandlers;
  let session: Session;
  /** A frame from the cloud, taken in full: its batches read and applied. */
  const receive = async (message: CloudToViewer) => {
    handlers.onMessage(JSON.stringify(message));
    await session.settled();
  };
  const sentOf = (action: string) => sent.filter((m) => m.action === action);
  const seqs = (ref: typeof web) => session.logs.view(ref).rows.map((row) => (row.kind === 'line' ? row.seq : row.kind));

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    const openSocket: SocketFactory = (_url, socketHandlers) => {
      handlers = socketHandlers;
      return { send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>), close: () => {} };
    };
    session = createSession({ url: 'ws://test', openSocket });
    handlers.onOpen();
  });

  afterEach(() => {
    session.close();
    vi.useRealTimers();
  });

  it('asks the buffer for what follows its last line once the stream has been quiet a while, and shows what comes back as new lines', async () => {
    session.select(web);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(1, 2), done: true });

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.fetch')).toEqual([{ action: 'log.fetch', ...web, epoch: 7, afterSeq: 2, toSeq: 2 + MAX_FETCH_LINES }]);
    await receive({ action: 'log.fetched', ...web, epoch: 7, afterSeq: 2, toSeq: 2 + MAX_FETCH_LINES, batches: batches(3), done: true });
    expect(seqs(web)).toEqual([1, 2, 3]);
  });

  it('subscribes again, at growing intervals, to a quiet container it holds no epoch of (nothing to fetch by)', async () => {
    session.select(web);
    await receive({ action: 'log.history', ...web, batches: [], done: true });

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS * 7);
    await receive({ action: 'log.history', ...web, batches: [], done: true });

    // At 10 s and 30 s (the empty history a check brings does not start the quiet over), then 70 s.
    expect(sentOf('log.subscribe')).toHaveLength(1 + 3);
    expect(sentOf('log.fetch')).toEqual([]);
  });

  it('subscribes again when the history of its subscribe never came, nor an error', async () => {
    session.select(web);

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.subscribe')).toHaveLength(2);
  });

  it('does not check a container it no longer watches', async () => {
    session.select(web);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(1), done: true });
    session.select(db);

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.fetch')).toEqual([]);
  });

  it('subscribes again, from its last seq, to the one container whose subscribe failed on our side', async () => {
    session.select(web);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(1, 2), done: false });
    await receive({ action: 'error', code: 'internal', message: 'the cloud failed', requestAction: 'log.subscribe', ...web, retry: true });
    expect(session.logs.view(web).loadingHistory).toBe(true);

    vi.advanceTimersByTime(RESUBSCRIBE_FIRST_MS);

    expect(sentOf('log.subscribe')).toEqual([
      { action: 'log.subscribe', ...web, op: 1 },
      { action: 'log.subscribe', ...web, afterSeq: 2, epoch: 7, op: 2 },
    ]);
  });

  it('leaves the pending history of other containers alone when a refusal names one container', async () => {
    session.select(web);
    session.select(db);

    await receive({ action: 'error', code: 'unknown_target', message: 'no such container', requestAction: 'log.subscribe', ...web, retry: false });

    expect(session.logs.view(web).loadingHistory).toBe(false);
    expect(session.logs.view(db).loadingHistory).toBe(true);
  });

  it('still stops awaiting every history on a refused subscribe that names no container', async () => {
    session.select(db);

    await receive({ action: 'error', code: 'malformed', message: 'invalid message', requestAction: 'log.subscribe' });

    expect(session.logs.view(db).loadingHistory).toBe(false);
  });
});
