import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudToViewer } from '../../protocol';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { HEARTBEAT_MS, ViewerConnection, type ConnectionState, type ViewerConnectionOptions } from '../../web/src/api/viewer-connection';

/** An in-memory SocketLink: records what the connection sends and lets the test play the server. */
class FakeSocket {
  readonly sent: unknown[] = [];
  closed = false;
  constructor(readonly url: string, readonly handlers: SocketHandlers) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.handlers.onOpen();
  }
  receive(data: unknown) {
    this.handlers.onMessage(data);
  }
  drop(code = 1006, reason = '') {
    this.handlers.onClose(code, reason);
  }
}

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };
const inventory = JSON.stringify({ action: 'inventory', hosts: [], done: true });

describe('ViewerConnection', () => {
  let sockets: FakeSocket[];
  let messages: CloudToViewer[];
  let states: ConnectionState[];
  let warnings: string[];
  let lastSeqs: Map<string, number>;
  let subscribing: string[];
  let connection: ViewerConnection;

  const openSocket: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    sockets.push(socket);
    return socket;
  };
  const latest = () => sockets[sockets.length - 1]!;
  const connect = (options: Partial<ViewerConnectionOptions> = {}) => {
    connection = new ViewerConnection({
      url: 'ws://127.0.0.1:1/local?role=viewer&token=t',
      openSocket,
      afterSeq: (ref) => lastSeqs.get(ref.containerId),
      onSubscribing: (ref) => subscribing.push(ref.containerId),
      onMessage: (message) => messages.push(message),
      onState: (state) => states.push(state),
      backoff: { baseMs: 1000, maxMs: 8000, random: () => 1 },
      logger: { warn: (text: string) => warnings.push(text) },
      ...options,
    });
    connection.start();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    messages = [];
    states = [];
    warnings = [];
    lastSeqs = new Map();
    subscribing = [];
  });

  afterEach(() => {
    connection.close();
    vi.useRealTimers();
  });

  it('connects to the given URL and asks for the inventory once open', () => {
    connect();
    expect(connection.state.status).toBe('connecting');

    latest().open();

    expect(latest().url).toBe('ws://127.0.0.1:1/local?role=viewer&token=t');
    expect(latest().sent).toEqual([{ action: 'inventory.get' }]);
    expect(connection.state).toMatchObject({ status: 'open', everOpened: true });
  });

  it('sends a subscription made before the socket opened once it opens', () => {
    connect();
    connection.subscribe(web);

    latest().open();

    expect(latest().sent).toEqual([{ action: 'inventory.get' }, { action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', op: 1 }]);
    expect(subscribing).toEqual(['web']);
  });

  it('subscribes again to one container on request, from the last seq held, and only while it is subscribed', () => {
    connect();
    latest().open();
    connection.subscribe(web);
    lastSeqs.set('web', 41);

    connection.resubscribe(web);
    connection.resubscribe(db);

    expect(latest().sent.slice(1)).toEqual([
      { action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', op: 1 },
      { action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', afterSeq: 41, op: 2 },
    ]);
    expect(subscribing).toEqual(['web', 'web']);
    expect(connection.isSubscribed(web)).toBe(true);
    expect(connection.isSubscribed(db)).toBe(false);
  });

  it('sends subscribe and unsubscribe at once while open', () => {
    connect();
    latest().open();

    connection.subscribe(web);
    connection.unsubscribe(web);
    connection.unsubscribe(db);

    expect(latest().sent.slice(1)).toEqual([
      { action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', op: 1 },
      { action: 'log.unsubscribe', agentId: 'agent-1', containerId: 'web', op: 2 },
    ]);
  });

  it('numbers its subscribes and unsubscribes on each connection from 1, so the cloud can order two sent in one millisecond', () => {
    connect();
    latest().open();
    connection.subscribe(web);
    connection.unsubscribe(web);
    connection.subscribe(db);

    latest().drop(1006);
    vi.advanceTimersByTime(1000);
    latest().open();
    connection.unsubscribe(db);

    expect(sockets[0]!.sent.slice(1).map((m) => (m as { op?: number }).op)).toEqual([1, 2, 3]);
    expect(latest().sent.slice(1).map((m) => (m as { op?: number }).op)).toEqual([1, 2]);
  });

  it('passes decoded messages on and ignores bad frames with a warning', () => {
    connect();
    latest().open();

    latest().receive('{not json');
    latest().receive(JSON.stringify({ action: 'log.batch', agentId: 'a', containerId: 'c', lines: [] }));
    latest().receive(new Uint8Array([1, 2]));
    latest().receive(inventory);

    expect(messages).toEqual([{ action: 'inventory', hosts: [], done: true }]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/not JSON/);
    expect(connection.state.status).toBe('open');
  });

  it('reconnects after a dropped connection and resumes each subscription after its last seq', () => {
    connect();
    connection.subscribe(web);
    connection.subscribe(db);
    latest().open();
    lastSeqs.set('web', 42);

    latest().drop(1006);
    expect(connection.state).toMatchObject({ status: 'reconnecting', attempt: 1, error: 'connection lost (code 1006)' });
    vi.advanceTimersByTime(1000);
    latest().open();

    expect(sockets).toHaveLength(2);
    expect(latest().sent).toEqual([
      { action: 'inventory.get' },
      { action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', afterSeq: 42, op: 1 },
      { action: 'log.subscribe', agentId: 'agent-1', containerId: 'db', op: 2 },
    ]);
    expect(subscribing).toEqual(['web', 'db', 'web', 'db']);
  });

  it('names the epoch of the last seq when it resumes a subscription, so a restarted numbering is noticed', () => {
    connect({ epoch: (ref) => (ref.containerId === 'web' ? 1764000000000 : undefined) });
    connection.subscribe(web);
    latest().open();
    lastSeqs.set('web', 42);

    latest().drop(1006);
    vi.advanceTimersByTime(1000);
    latest().open();

    expect(latest().sent).toContainEqual(expect.objectContaining({ action: 'log.subscribe', agentId: 'agent-1', containerId: 'web', afterSeq: 42, epoch: 1764000000000, op: expect.any(Number) }));
  });

  it('sends log.fetch for a gap while open, and nothing while disconnected', () => {
    connect();
    const request = { agentId: 'agent-1', containerId: 'web', epoch: 5, afterSeq: 2, toSeq: 9 };
    connection.fetch(request);
    latest().open();

    connection.fetch(request);

    expect(latest().sent).toEqual([{ action: 'inventory.get' }, { action: 'log.fetch', ...request }]);
  });

  it('does not re-send a subscription that was removed while disconnected', () => {
    connect();
    connection.subscribe(web);
    latest().open();
    latest().drop();

    connection.unsubscribe(web);
    vi.advanceTimersByTime(1000);
    latest().open();

    expect(latest().sent).toEqual([{ action: 'inventory.get' }]);
  });

  it('backs off longer after each failed attempt', () => {
    connect();

    latest().drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);

    latest().drop();
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    expect(connection.state).toMatchObject({ attempt: 2, everOpened: false, error: 'could not connect (code 1006)' });
  });

  it('forgets past failures once a connection delivers a valid message', () => {
    connect();
    latest().drop();
    vi.advanceTimersByTime(1000);
    latest().open();
    expect(connection.state.attempt).toBe(1);

    latest().receive(inventory);

    expect(connection.state.attempt).toBe(0);
  });

  it('reconnects at once on reconnectNow instead of waiting out the backoff', () => {
    connect();
    latest().drop();

    connection.reconnectNow();

    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(2);
  });

  it('pings on the heartbeat interval while open, and stops when the socket drops', () => {
    connect();
    latest().open();

    vi.advanceTimersByTime(HEARTBEAT_MS * 2);
    const first = latest();
    first.drop();
    vi.advanceTimersByTime(HEARTBEAT_MS);

    expect(first.sent.filter((m) => (m as { action: string }).action === 'ping')).toHaveLength(2);
  });

  it('closes for good: no reconnect, and late events from the old socket are ignored', () => {
    connect();
    latest().open();
    const socket = latest();

    connection.close();
    socket.drop();
    socket.receive(inventory);
    vi.advanceTimersByTime(60_000);

    expect(socket.closed).toBe(true);
    expect(sockets).toHaveLength(1);
    expect(messages).toEqual([]);
    expect(connection.state.status).toBe('closed');
    expect(states.at(-1)?.status).toBe('closed');
  });
});
