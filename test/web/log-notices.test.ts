/**
 * Markers for what happened around a container's lines: the dashboard reconnecting, the
 * container changing state, the numbering starting over (a reset history, a newer epoch).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudToViewer, LogLine } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import type { SocketFactory, SocketHandlers } from '../../web/src/api/socket';
import { createSession, type Session } from '../../web/src/session/create-session';
import { containerTransitions } from '../../web/src/state/container-transitions';
import { LineBuffer, type LogRow } from '../../web/src/state/line-buffer';
import { createInventoryStore } from '../../web/src/state/inventory-store';
import { container, host } from './host-fixtures';

const at = (second: number) => Date.parse(`2026-11-25T12:00:${String(second).padStart(2, '0')}.000Z`);
const lines = (...seconds: number[]): LogLine[] =>
  seconds.map((s, i) => ({ seq: i + 1, ts: `2026-11-25T12:00:${String(s).padStart(2, '0')}.000000000Z`, stream: 'stdout', text: `at ${s}` }));
const shape = (rows: readonly LogRow[]) =>
  rows.map((row) => (row.kind === 'line' ? row.text : row.kind === 'notice' ? `${row.notice}${row.state ? ` ${row.state}` : ''}` : row.kind === 'restart' ? `restart ${row.reason}` : row.kind));

describe('notices in a container’s lines', () => {
  it('puts a container’s state change among its lines by time, later-arriving earlier lines above it', () => {
    const buffer = new LineBuffer();
    const all = lines(1, 2, 3, 9);
    buffer.addLive(all.slice(0, 2));
    buffer.addNotice({ notice: 'container', at: at(5), state: 'exited', status: 'Exited (0)' });
    // The container's last line was written before it stopped but arrived after the change.
    buffer.addLive([all[2]!]);
    buffer.addLive([all[3]!]);
    expect(shape(buffer.rows)).toEqual(['at 1', 'at 2', 'at 3', 'container exited', 'at 9']);
  });

  it('places a change reported late above the lines written after it', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 6, 7));
    buffer.addNotice({ notice: 'container', at: at(5), state: 'running', status: 'Up 1 second' });
    expect(shape(buffer.rows)).toEqual(['at 1', 'container running', 'at 6', 'at 7']);
  });

  it('puts a start right below the stop before it: a stopped container writes nothing, so the lines since are the new run’s', () => {
    const buffer = new LineBuffer();
    const all = lines(1, 2, 6, 6, 7);
    buffer.addLive(all.slice(0, 2));
    buffer.addNotice({ notice: 'container', at: at(3), state: 'exited', status: 'Exited (0)' });
    // The new run's first lines arrive before the agent reports the start (its listing lags).
    buffer.addLive(all.slice(2, 4));
    buffer.addNotice({ notice: 'container', at: at(6) + 500, state: 'running', status: 'Up Less than a second' });
    // A line the new run wrote before the start was reported stays below the start.
    buffer.addLive([{ ...all[4]!, ts: '2026-11-25T12:00:06.100000000Z' }]);
    expect(shape(buffer.rows)).toEqual(['at 1', 'at 2', 'container exited', 'container running', 'at 6', 'at 6', 'at 7']);
  });

  it('keeps a reconnect where it happened: the lines after it are the ones it missed, then live ones', () => {
    const buffer = new LineBuffer();
    const all = lines(1, 2, 3);
    buffer.addLive(all.slice(0, 1));
    buffer.addNotice({ notice: 'reconnected', at: at(9) });
    buffer.addHistory(all.slice(1), true);
    expect(shape(buffer.rows)).toEqual(['at 1', 'reconnected', 'at 2', 'at 3']);
  });

  it('notes nothing in a buffer that holds nothing', () => {
    const buffer = new LineBuffer();
    buffer.addNotice({ notice: 'reconnected', at: at(1) });
    expect(buffer.rows).toEqual([]);
  });

  it('says why the lines were dropped when the numbering restarted', () => {
    const buffer = new LineBuffer();
    buffer.addLive(lines(1, 2), 1);
    buffer.addLive([{ ...lines(3)[0]!, seq: 1 }], 2);
    expect(shape(buffer.rows)).toEqual(['restart epoch', 'at 3']);
    buffer.restart(3, 'reset');
    expect(shape(buffer.rows)).toEqual(['restart reset']);
  });
});

describe('containerTransitions', () => {
  const inventory = () => {
    const store = createInventoryStore();
    store.upsert([host('a', '2026-11-25T12:00:00Z', { containers: [container('web'), container('db', { state: 'exited' })], observedAt: 1 })]);
    return store;
  };

  it('names the containers whose state changed, with the change’s time', () => {
    const change = { action: 'host.containers' as const, agentId: 'a', observedAt: at(5), upsert: [container('web', { state: 'exited', status: 'Exited (137) 1 second ago' }), container('db', { state: 'exited' })], remove: [] };
    expect(containerTransitions(inventory(), change)).toEqual([
      { ref: { agentId: 'a', containerId: 'web' }, state: 'exited', status: 'Exited (137) 1 second ago', at: at(5) },
    ]);
  });

  it('ignores a change older than what is held, and containers not known yet', () => {
    const store = inventory();
    store.applyChanges({ action: 'host.containers', agentId: 'a', observedAt: at(9), upsert: [container('web', { state: 'exited' })], remove: [] });
    const late = { action: 'host.containers' as const, agentId: 'a', observedAt: at(5), upsert: [container('web', { state: 'running' }), container('new')], remove: [] };
    expect(containerTransitions(store, late)).toEqual([]);
  });
});

describe('a session marking reconnects and container changes', () => {
  const web = { agentId: 'a', containerId: 'web' };
  let handlers: SocketHandlers;
  let session: Session;
  /** A frame from the cloud, taken in full: its batches read and applied. */
  const receive = async (message: CloudToViewer) => {
    handlers.onMessage(JSON.stringify(message));
    await session.settled();
  };

  beforeEach(async () => {
    vi.useFakeTimers();
    const openSocket: SocketFactory = (_url, socketHandlers) => {
      handlers = socketHandlers;
      return { send: () => {}, close: () => {} };
    };
    session = createSession({ url: 'ws://test', openSocket });
    handlers.onOpen();
    await receive({ action: 'inventory', hosts: [host('a', '2026-11-25T12:00:00Z', { containers: [container('web')], observedAt: 1 })], done: true });
    session.select(web);
    await receive({ action: 'log.history', ...web, epoch: 7, batches: [compressLines(lines(1, 2))], done: true });
  });

  afterEach(() => {
    session.close();
    vi.useRealTimers();
  });

  it('marks where the connection came back, not the first time it opened', () => {
    expect(shape(session.logs.view(web).rows)).toEqual(['at 1', 'at 2']);
    handlers.onClose(1006, '');
    vi.advanceTimersByTime(60_000);
    handlers.onOpen();
    expect(shape(session.logs.view(web).rows)).toEqual(['at 1', 'at 2', 'reconnected']);
  });

  it('says in the view that a reset history dropped the lines it held', async () => {
    await receive({ action: 'log.history', ...web, epoch: 9, batches: [], done: true, reset: true });
    expect(shape(session.logs.view(web).rows)).toEqual(['restart reset']);
  });

  it('marks the container stopping among its lines', async () => {
    await receive({ action: 'host.containers', agentId: 'a', observedAt: at(30), upsert: [container('web', { state: 'exited', status: 'Exited (0) 1 second ago' })], remove: [] });
    expect(shape(session.logs.view(web).rows)).toEqual(['at 1', 'at 2', 'container exited']);
  });
});
