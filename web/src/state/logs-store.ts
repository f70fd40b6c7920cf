/**
 * The loaded lines of every container the viewer has opened, one LineBuffer each. Buffers are
 * plain objects (50 000 rows in a Solid store would be 50 000 proxies); a version signal per
 * container tells Solid when its rows changed. Data lands in the buffer at once (so `lastSeq`
 * is always current), but views are told at most once per animation frame: a burst of history
 * messages or a chatty container costs one re-render per frame, not one per message.
 */
import { batch, createSignal, type Accessor, type Setter } from 'solid-js';
import { containerKey, type ContainerRef, type LogFetched, type LogHistory, type ViewerLogBatch } from '../../../protocol';
import { LineBuffer, type GapRange, type LogRow } from './line-buffer';

export interface ContainerLogs {
  readonly rows: readonly LogRow[];
  readonly lineCount: number;
  readonly loadingHistory: boolean;
  /** Rows dropped from the front by the client cap. */
  readonly trimmed: number;
  /** Changes other than appends and front trims (LineBuffer.rewrites). */
  readonly rewrites: number;
}

export interface LogsStore {
  /** Reactive: re-runs when that container's lines change. */
  view(ref: ContainerRef): ContainerLogs;
  lastSeq(ref: ContainerRef): number | undefined;
  /** The epoch `lastSeq` belongs to, sent with it when (re)subscribing. */
  epoch(ref: ContainerRef): number | undefined;
  beginHistory(ref: ContainerRef): void;
  applyHistory(message: LogHistory): void;
  applyBatch(message: ViewerLogBatch): void;
  /**
   * Lines fetched from the cloud's buffer: those inside a gap close it; those after the last seq
   * held (the tail check's answer) are new lines, merged like a live batch.
   */
  applyFetched(message: LogFetched): void;
  /** A subscription failed, and no telling whose: stop holding live lines back for any container. */
  endAllHistory(): void;
  /** The subscription of this container failed: stop holding its live lines back. */
  endHistory(ref: ContainerRef): void;
  /** The connection to the cloud came back: a notice in every container's lines, where they stood. */
  markReconnected(at: number): void;
  /** The agent reported a container's state change (see containerTransitions): a notice among its lines, by time. */
  markContainerState(ref: ContainerRef, change: { readonly state: string; readonly status: string; readonly at: number }): void;
  /**
   * Asks again for the gaps whose answer has not come (the answer's post can fail too); a gap
   * asked for MAX_FETCH_ATTEMPTS times without an answer is marked missing.
   */
  refetchGaps(): void;
}

export interface LogsStoreOptions {
  readonly capacity?: number;
  /** Runs a callback before the next paint; injectable so the store works without a window. */
  readonly scheduleFrame?: (callback: () => void) => void;
  /**
   * A container's lines have a gap that the cloud's buffer may still hold: fetch it (log.fetch)
   * and hand the answer to applyFetched. Called once per gap, and again after a re-subscribe for
   * gaps whose answer never came (the connection dropped meanwhile).
   */
  readonly onGap?: (ref: ContainerRef, epoch: number, gap: GapRange) => void;
}

interface Entry {
  readonly ref: ContainerRef;
  readonly buffer: LineBuffer;
  readonly version: Accessor<number>;
  readonly bump: Setter<number>;
  /** Gaps still fetching when the subscription was re-sent: asked again once its history is in. */
  refetch: GapRange[];
  /** Times each fetching gap (by its first seq) has been asked for. */
  readonly asked: Map<number, number>;
}

/** How often one gap is asked for before it is given up as missing. */
export const MAX_FETCH_ATTEMPTS = 5;

const EMPTY: ContainerLogs = { rows: [], lineCount: 0, loadingHistory: false, trimmed: 0, rewrites: 0 };

// Looked up on globalThis so this module typechecks without the DOM lib too (node tests import it).
type FrameScheduler = (callback: () => void) => unknown;
const nextFrame = (callback: () => void): void => {
  const requestFrame = (globalThis as { requestAnimationFrame?: FrameScheduler }).requestAnimationFrame;
  if (typeof requestFrame === 'function') requestFrame.call(globalThis, callback);
  else setTimeout(callback, 16);
};

export function createLogsStore(options: LogsStoreOptions = {}): LogsStore {
  const scheduleFrame = options.scheduleFrame ?? nextFrame;
  const entries = new Map<string, Entry>();
  // Creating an entry must notify views that read it before it existed.
  const [created, setCreated] = createSignal(0);
  const dirty = new Set<Entry>();
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    const changed = [...dirty];
    dirty.clear();
    batch(() => {
      for (const e of changed) e.bump((n) => n + 1);
    });
  };
  const markChanged = (e: Entry) => {
    dirty.add(e);
    if (flushScheduled) return;
    flushScheduled = true;
    scheduleFrame(flush);
  };

  const entry = (ref: ContainerRef): Entry => {
    const key = containerKey(ref);
    let found = entries.get(key);
    if (!found) {
      const [version, bump] = createSignal(0);
      found = { ref: { agentId: ref.agentId, containerId: ref.containerId }, buffer: new LineBuffer({ capacity: options.capacity }), version, bump, refetch: [], asked: new Map() };
      entries.set(key, found);
      setCreated((n) => n + 1);
    }
    return found;
  };

  /** Asks for the gaps the last change made; without an epoch they cannot be asked for, so they are marked missing. */
  const fetchGaps = (e: Entry, gaps: readonly GapRange[] = e.buffer.takeNewGaps()) => {
    const epoch = e.buffer.epoch;
    for (const gap of gaps) {
      const attempts = (e.asked.get(gap.fromSeq) ?? 0) + 1;
      e.asked.set(gap.fromSeq, attempts);
      if (epoch === undefined || !options.onGap || attempts > MAX_FETCH_ATTEMPTS) e.buffer.fillGap(gap.fromSeq - 1, gap.toSeq, [], true);
      else options.onGap(e.ref, epoch, gap);
    }
  };

  return {
    view(ref) {
      const found = entries.get(containerKey(ref));
      if (!found) {
        created();
        return EMPTY;
      }
      found.version();
      const { buffer } = found;
      return { rows: buffer.rows, lineCount: buffer.lineCount, loadingHistory: buffer.loadingHistory, trimmed: buffer.trimmed, rewrites: buffer.rewrites };
    },
    lastSeq: (ref) => entries.get(containerKey(ref))?.buffer.lastSeq,
    epoch: (ref) => entries.get(containerKey(ref))?.buffer.epoch,
    beginHistory(ref) {
      const e = entry(ref);
      e.buffer.beginHistory();
      e.refetch = e.buffer.fetchingGaps();
      markChanged(e);
    },
    applyHistory(message) {
      const e = entry(message);
      if (message.reset) e.buffer.restart(message.epoch, 'reset');
      e.buffer.addHistory(message.lines, message.done, message.epoch);
      fetchGaps(e);
      if (message.done) {
        const stillFetching = new Set(e.buffer.fetchingGaps().map((gap) => gap.fromSeq));
        fetchGaps(e, e.refetch.filter((gap) => stillFetching.has(gap.fromSeq)));
        e.refetch = [];
      }
      markChanged(e);
    },
    applyBatch(message) {
      const e = entry(message);
      const outcome = e.buffer.addLive(message.lines, message.epoch);
      fetchGaps(e);
      if (outcome.added > 0 || outcome.gaps > 0) markChanged(e);
    },
    applyFetched(message) {
      const e = entries.get(containerKey(message));
      // Asked before the numbering restarted: those seqs are not the ones held now.
      if (!e || e.buffer.epoch !== message.epoch) return;
      const last = e.buffer.lastSeq ?? 0;
      const inGaps = message.lines.filter((line) => line.seq <= last);
      const after = message.lines.filter((line) => line.seq > last);
      if (message.afterSeq < last) e.buffer.fillGap(message.afterSeq, Math.min(message.toSeq, last), inGaps, message.done);
      if (after.length > 0) {
        e.buffer.addLive(after, message.epoch);
        fetchGaps(e);
      }
      markChanged(e);
    },
    markReconnected(at) {
      for (const e of entries.values()) {
        e.buffer.addNotice({ notice: 'reconnected', at });
        markChanged(e);
      }
    },
    markContainerState(ref, change) {
      const e = entries.get(containerKey(ref));
      if (!e) return;
      e.buffer.addNotice({ notice: 'container', at: change.at, state: change.state, status: change.status });
      markChanged(e);
    },
    refetchGaps() {
      for (const e of entries.values()) {
        if (e.buffer.loadingHistory) continue;
        const gaps = e.buffer.fetchingGaps();
        if (gaps.length === 0) continue;
        fetchGaps(e, gaps);
        markChanged(e);
      }
    },
    endHistory(ref) {
      const e = entries.get(containerKey(ref));
      if (!e?.buffer.loadingHistory) return;
      e.buffer.endHistory();
      fetchGaps(e);
      markChanged(e);
    },
    endAllHistory() {
      for (const e of entries.values()) {
        if (!e.buffer.loadingHistory) continue;
        e.buffer.endHistory();
        fetchGaps(e);
        markChanged(e);
      }
    },
  };
}
