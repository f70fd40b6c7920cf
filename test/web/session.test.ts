/**
 * The session's wiring, on an in-memory socket and fake timers: what the dashboard sends when a
 * stream goes quiet, and when a subscribe is refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_FETCH_LINES, type CloudToViewer, type LogLine } from '../../protocol';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { createSession, type Session } from '../../web/src/session/create-session';
import { RESUBSCRIBE_FIRST_MS } from '../../web/src/session/subscribe-retry';
import { TAIL_CHECK_FIRST_MS } from '../../web/src/session/tail-check';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };

const lines = (...seqs: number[]): LogLine[] => seqs.map((seq) => ({ seq, ts: `2026-11-25T12:00:${String(seq).padStart(2, '0')}.000000000Z`, stream: 'stdout', text: `line ${seq}` }));

describe('a dashboard session', () => {
  let sent: Record<string, unknown>[];
  let handlers: SocketHandlers;
  let session: Session;
  const receive = (message: CloudToViewer) => handlers.onMessage(JSON.stringify(message));
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

  it('asks the buffer for what follows its last line once the stream has been quiet a while, and shows what comes back as new lines', () => {
    session.select(web);
    receive({ action: 'log.history', ...web, epoch: 7, lines: lines(1, 2), done: true });

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.fetch')).toEqual([{ action: 'log.fetch', ...web, epoch: 7, afterSeq: 2, toSeq: 2 + MAX_FETCH_LINES }]);
    receive({ action: 'log.fetched', ...web, epoch: 7, afterSeq: 2, toSeq: 2 + MAX_FETCH_LINES, lines: lines(3), done: true });
    expect(seqs(web)).toEqual([1, 2, 3]);
  });

  it('subscribes again, at growing intervals, to a quiet container it holds no epoch of (nothing to fetch by)', () => {
    session.select(web);
    receive({ action: 'log.history', ...web, lines: [], done: true });

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS * 7);
    receive({ action: 'log.history', ...web, lines: [], done: true });

    // At 10 s and 30 s (the empty history a check brings does not start the quiet over), then 70 s.
    expect(sentOf('log.subscribe')).toHaveLength(1 + 3);
    expect(sentOf('log.fetch')).toEqual([]);
  });

  it('subscribes again when the history of its subscribe never came, nor an error', () => {
    session.select(web);

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.subscribe')).toHaveLength(2);
  });

  it('does not check a container it no longer watches', () => {
    session.select(web);
    receive({ action: 'log.history', ...web, epoch: 7, lines: lines(1), done: true });
    session.select(db);

    vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

    expect(sentOf('log.fetch')).toEqual([]);
  });

  it('subscribes again, from its last seq, to the one container whose subscribe failed on our side', () => {
    session.select(web);
    receive({ action: 'log.history', ...web, epoch: 7, lines: lines(1, 2), done: false });
    receive({ action: 'error', code: 'internal', message: 'the cloud failed', requestAction: 'log.subscribe', ...web, retry: true });
    expect(session.logs.view(web).loadingHistory).toBe(true);

    vi.advanceTimersByTime(RESUBSCRIBE_FIRST_MS);

    expect(sentOf('log.subscribe')).toEqual([
      { action: 'log.subscribe', ...web, op: 1 },
      { action: 'log.subscribe', ...web, afterSeq: 2, epoch: 7, op: 2 },
    ]);
  });

  it('leaves the pending history of other containers alone when a refusal names one container', () => {
    session.select(web);
    session.select(db);

    receive({ action: 'error', code: 'unknown_target', message: 'no such container', requestAction: 'log.subscribe', ...web, retry: false });

    expect(session.logs.view(web).loadingHistory).toBe(false);
    expect(session.logs.view(db).loadingHistory).toBe(true);
  });

  it('still stops awaiting every history on a refused subscribe that names no container', () => {
    session.select(db);

    receive({ action: 'error', code: 'malformed', message: 'invalid message', requestAction: 'log.subscribe' });

    expect(session.logs.view(db).loadingHistory).toBe(false);
  });
});
