/**
 * Several containers in one view, on an in-memory socket and fake timers: each shown container is
 * subscribed on its own, one taken out is released a while later (unsubscribed, its lines
 * dropped) and only it, a refused subscribe concerns only its container, and the containers shown
 * and their layout are remembered across reloads.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudToViewer, LogLine } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { createSession, type Session, type SessionOptions } from '../../web/src/session/create-session';
import { RESUBSCRIBE_FIRST_MS } from '../../web/src/session/subscribe-retry';
import { TAIL_CHECK_FIRST_MS } from '../../web/src/session/tail-check';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../protocol';
import { LINGER_MS, MAX_LINGERING } from '../../web/src/session/watch-policy';
import { MAX_SHOWN } from '../../web/src/state/selection-store';
import { container, host } from './host-fixtures';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };
const cache = { agentId: 'agent-2', containerId: 'cache' };

const lines = (...seqs: number[]): LogLine[] => seqs.map((seq) => ({ seq, ts: `2026-11-25T12:00:${String(seq % 60).padStart(2, '0')}.000000000Z`, stream: 'stdout', text: `line ${seq}` }));
const batches = (...seqs: number[]) => (seqs.length === 0 ? [] : [compressLines(lines(...seqs))]);

describe('a dashboard session showing several containers', () => {
  let sent: Record<string, unknown>[];
  let handlers: SocketHandlers;
  let session: Session;
  const receive = async (message: CloudToViewer) => {
    handlers.onMessage(JSON.stringify(message));
    await session.settled();
  };
  const subscriptions = () =>
    sent.filter((m) => m.action === 'log.subscribe' || m.action === 'log.unsubscribe').map((m) => `${String(m.action).slice(4)} ${String(m.containerId)}`);
  const start = (options: Partial<SessionOptions> = {}) => {
    const openSocket: SocketFactory = (_url, socketHandlers) => {
      handlers = socketHandlers;
      return { send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>), close: () => {} };
    };
    // Tail checks (which subscribe again while no epoch is held) only where a spec asks for them.
    session = createSession({ url: 'ws://test', openSocket, tailCheck: { firstMs: 100 * LINGER_MS, maxMs: 100 * LINGER_MS }, ...options });
    handlers.onOpen();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });

  afterEach(() => {
    session.close();
    vi.useRealTimers();
  });

  it('subscribes each container added to the view and keeps the others subscribed', () => {
    start();
    session.select(web);
    session.addToView(db);
    session.addToView(cache);

    expect(session.selection.watched()).toEqual([web, db, cache]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'subscribe cache']);
  });

  it('unsubscribes only the container taken out of the view, once it has been out a while', () => {
    start();
    session.select(web);
    session.addToView(db);

    session.removeFromView(web);
    vi.advanceTimersByTime(LINGER_MS);

    expect(session.selection.watched()).toEqual([db]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'unsubscribe web']);
  });

  it('shows a container alone when it is picked without adding it: the others leave the view', () => {
    start();
    session.select(web);
    session.addToView(db);

    session.select(cache);
    vi.advanceTimersByTime(LINGER_MS);

    expect(session.selection.watched()).toEqual([cache]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'subscribe cache', 'unsubscribe web', 'unsubscribe db']);
  });

  it('shows exactly the containers of another link: those it adds subscribed, those it leaves out released a while later', () => {
    start();
    session.show([web, db]);

    session.show([db, cache]);
    vi.advanceTimersByTime(LINGER_MS);

    expect(session.selection.watched()).toEqual([db, cache]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'subscribe cache', 'unsubscribe web']);
  });

  it('adds with a toggle, takes out with it, and never takes out the last container shown', () => {
    start();
    session.select(web);
    session.toggleInView(db);
    session.toggleInView(web);
    session.toggleInView(db);
    vi.advanceTimersByTime(LINGER_MS);

    expect(session.selection.watched()).toEqual([db]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'unsubscribe web']);
  });

  it('subscribes nothing twice when a container already shown is added again', () => {
    start();
    session.select(web);
    session.addToView(web);
    session.show([web, web]);

    expect(subscriptions()).toEqual(['subscribe web']);
  });

  it('lets a refused subscribe of one container end only that container’s wait for history', async () => {
    start();
    session.show([web, db]);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(1, 2), done: false });

    await receive({ action: 'error', code: 'limit_exceeded', message: 'too many subscribers', requestAction: 'log.subscribe', ...db, retry: false });

    expect(session.logs.view(db).loadingHistory).toBe(false);
    expect(session.logs.view(web).loadingHistory).toBe(true);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(3), done: true });
    expect(session.logs.view(web).rows.map((row) => row.kind === 'line' && row.seq)).toEqual([1, 2, 3]);
    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db']);
    expect(session.selection.watched()).toEqual([web, db]);
  });

  it('subscribes again only the container whose subscribe failed on the cloud’s side', async () => {
    start();
    session.show([web, db]);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: batches(1), done: true });

    await receive({ action: 'error', code: 'internal', message: 'the cloud failed', requestAction: 'log.subscribe', ...db, retry: true });
    vi.advanceTimersByTime(2 * RESUBSCRIBE_FIRST_MS);

    expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'subscribe db']);
    expect(session.logs.view(web).rows).toHaveLength(1);
  });

  it('shows the containers shown last time once the inventory lists them, in the same order', async () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (key: string) => saved.get(key) ?? null, setItem: (key: string, value: string) => void saved.set(key, value) };
    start({ storage });
    session.show([db, cache]);
    session.close();

    sent = [];
    start({ storage });
    await receive({
      action: 'inventory',
      hosts: [host('agent-1', '2026-11-25T12:00:00Z', { containers: [container('web'), container('db')] }), host('agent-2', '2026-11-25T12:00:00Z', { containers: [container('cache')] })],
      done: true,
    });

    expect(session.selection.watched()).toEqual([db, cache]);
    expect(subscriptions()).toEqual(['subscribe db', 'subscribe cache']);
  });

  it('lays the containers out as they were last time, from the start', () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (key: string) => saved.get(key) ?? null, setItem: (key: string, value: string) => void saved.set(key, value) };
    start({ storage });
    session.show([db, cache]);
    session.setLayout('panes');
    session.close();

    start({ storage });

    expect(session.selection.layout()).toBe('panes');
  });

  describe('releasing the lines of containers no longer shown', () => {
    const history = (ref: typeof web, ...seqs: number[]) => receive({ action: 'log.history', ...ref, epoch: 7, batches: batches(...seqs), done: true });

    it('keeps a container taken out of the view subscribed, with its lines, until a while has passed', async () => {
      start();
      session.show([web, db]);
      await history(web, 1, 2, 3);
      session.removeFromView(web);

      vi.advanceTimersByTime(LINGER_MS - 1);

      expect(subscriptions()).toEqual(['subscribe web', 'subscribe db']);
      expect(session.logs.view(web).lineCount).toBe(3);
    });

    it('then unsubscribes it and drops its lines', async () => {
      start();
      session.show([web, db]);
      await history(web, 1, 2, 3);
      session.removeFromView(web);

      vi.advanceTimersByTime(LINGER_MS);
      await session.settled();

      expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'unsubscribe web']);
      expect(session.logs.view(web)).toMatchObject({ rows: [], lineCount: 0 });
      expect(session.logs.lastSeq(web)).toBeUndefined();
    });

    it('shows a container brought back within the while at once, from the lines it kept, without subscribing again', async () => {
      start();
      session.select(web);
      await history(web, 1, 2);
      session.select(db);
      vi.advanceTimersByTime(LINGER_MS / 2);

      session.select(web);
      vi.advanceTimersByTime(LINGER_MS);

      expect(session.logs.view(web).lineCount).toBe(2);
      expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'unsubscribe db']);
    });

    it('subscribes a container brought back after it was released afresh, and shows the history that comes', async () => {
      start();
      session.select(web);
      await history(web, 1, 2);
      session.select(db);
      vi.advanceTimersByTime(LINGER_MS);
      await session.settled();

      session.select(web);
      await history(web, 1, 2, 3);

      const resubscribe = sent.filter((m) => m.action === 'log.subscribe' && m.containerId === 'web').at(-1);
      expect(resubscribe).toEqual({ action: 'log.subscribe', ...web, op: expect.any(Number) });
      expect(session.logs.view(web).rows.map((row) => row.kind === 'line' && row.seq)).toEqual([1, 2, 3]);
    });

    it('takes no lines for a released container that were still on their way', async () => {
      start();
      session.select(web);
      await history(web, 1);
      session.select(db);
      vi.advanceTimersByTime(LINGER_MS);

      await receive({ action: 'log.batch', ...web, epoch: 7, ...compressLines(lines(2)) });

      expect(session.logs.view(web).rows).toEqual([]);
    });

    it('checks no tail of a container out of view, and checks it again once it is back', async () => {
      start({ tailCheck: { firstMs: TAIL_CHECK_FIRST_MS } });
      session.select(web);
      await history(web, 1);
      session.select(db);
      await receive({ action: 'log.history', ...db, epoch: 3, batches: [], done: true });

      vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);
      expect(sent.filter((m) => m.action === 'log.fetch' && m.containerId === 'web')).toEqual([]);

      session.select(web);
      vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);
      expect(sent.filter((m) => m.action === 'log.fetch' && m.containerId === 'web')).toHaveLength(1);
    });

    it(`keeps at most ${MAX_LINGERING} containers waiting out of view: the one out longest goes first`, () => {
      start();
      const refs = Array.from({ length: MAX_LINGERING + 2 }, (_, i) => ({ agentId: 'agent-1', containerId: `c${i}` }));
      for (const ref of refs) session.select(ref);

      // Shown: the last; waiting: the MAX_LINGERING before it; released at once: the first.
      expect(sent.filter((m) => m.action === 'log.unsubscribe').map((m) => m.containerId)).toEqual(['c0']);
    });

    it('subscribes a container brought back just as it was released afresh, for its whole history', async () => {
      start();
      session.select(web);
      await history(web, 1, 2);
      session.select(db);
      await history(db, 1);
      // A batch of db is still being read (inflated) when the release comes due.
      handlers.onMessage(JSON.stringify({ action: 'log.batch', ...db, epoch: 7, ...compressLines(lines(2)) }));
      vi.advanceTimersByTime(LINGER_MS);

      session.select(web);
      const again = sent.filter((m) => m.action === 'log.subscribe' && m.containerId === 'web').at(-1);
      await session.settled();

      expect(again).not.toHaveProperty('afterSeq');
      await history(web, 1, 2, 3);
      expect(session.logs.view(web).rows.map((row) => (row.kind === 'line' ? row.seq : row.kind))).toEqual([1, 2, 3]);
    });

    it('checks no tail of a container out of view after a reconnect either', async () => {
      const sockets: SocketHandlers[] = [];
      const openSocket: SocketFactory = (_url, socketHandlers) => {
        sockets.push(socketHandlers);
        handlers = socketHandlers;
        return { send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>), close: () => {} };
      };
      session = createSession({ url: 'ws://test', openSocket, tailCheck: { firstMs: TAIL_CHECK_FIRST_MS } });
      handlers.onOpen();
      session.select(web);
      await history(web, 1);
      session.select(db);
      await receive({ action: 'log.history', ...db, epoch: 3, batches: batches(1), done: true });

      sockets[0]!.onClose(1006, '');
      vi.advanceTimersByTime(1_000);
      sockets[1]!.onOpen();
      await receive({ action: 'log.history', ...db, epoch: 3, batches: [], done: true });
      await receive({ action: 'log.history', ...web, epoch: 7, batches: [], done: true });
      sent = [];
      vi.advanceTimersByTime(TAIL_CHECK_FIRST_MS);

      expect(sent.filter((m) => m.action === 'log.fetch').map((m) => m.containerId)).not.toContain('web');
    });
  });

  describe('bounded by what the cloud allows', () => {
    it('shows no more containers than a connection may subscribe to, those waiting out of view included', () => {
      start();
      const refs = Array.from({ length: 500 }, (_, i) => ({ agentId: 'agent-1', containerId: `c${i}` }));

      session.show(refs);

      expect(session.selection.watched()).toHaveLength(MAX_SHOWN);
      expect(subscriptions()).toHaveLength(MAX_SHOWN);
      expect(MAX_SHOWN + MAX_LINGERING).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS_PER_CONNECTION);
    });

    it('adds no container past that bound', () => {
      start();
      session.show(Array.from({ length: MAX_SHOWN }, (_, i) => ({ agentId: 'agent-1', containerId: `c${i}` })));

      session.addToView(web);

      expect(session.selection.watched()).toHaveLength(MAX_SHOWN);
      expect(subscriptions()).not.toContain('subscribe web');
    });
  });
});
