/**
 * The loaded lines of every container the viewer has opened, one LineBuffer each. Buffers are
 * plain objects (100,000 rows in a Solid store would be 100,000 proxies); a version signal per
 * container tells Solid when its rows changed. Data lands in the buffer at once (so `lastSeq`
 * is always current), but views are told at most once per animation frame: a burst of history
 * messages or a chatty container costs one re-render per frame, not one per message.
 *
 * Messages come in with their packed batches already read (the session inflates them, in arrival
 * order): lines, and the seqs of batches that could not be read (`lost`), which become gaps.
 *
 * Scrolling back: `loadOlder` asks the cloud's buffer for the MAX_FETCH_LINES seqs before the
 * oldest held (log.fetch), merges the answer before the held lines once it is complete, and is
 * ready to ask again; an answer with nothing older marks the start of the buffer ('exhausted'),
 * unless the cloud's byte bound stopped it (readToSeq: the rest is fetched as a gap).
 */
import { batch, createSignal, type Accessor, type Setter } from 'solid-js';
import { containerKey, MAX_FETCH_LINES, type ContainerRef, type LogFetched, type LogHistory, type LogLine, type ViewerLogBatch } from '../../../protocol';
import { LineBuffer, type GapRange, type LogRow } from './line-buffer';

/** Whether older lines can be asked for: 'loading' while asked, 'exhausted' at the start of the buffer. */
export type OlderStatus = 'idle' | 'loading' | 'exhausted';

export interface ContainerLogs {
  readonly rows: readonly LogRow[];
  readonly lineCount: number;
  readonly loadingHistory: boolean;
  /** Rows dropped from the front by the client cap. */
  readonly trimmed: number;
  /** Changes other than appends and front trims (LineBuffer.rewrites). */
  readonly rewrites: number;
  readonly olderStatus: OlderStatus;
}

/** What a message's packed batches held: their lines in seq order, and the seqs of those that could not be read. */
export interface ReadLines {
  readonly lines: readonly LogLine[];
  readonly lost: readonly GapRange[];
}

export type HistoryLines = Omit<LogHistory, 'action' | 'batches'> & ReadLines;
export type BatchLines = Pick<ViewerLogBatch, 'agentId' | 'containerId' | 'epoch'> & ReadLines;
export type FetchedLines = Omit<LogFetched, 'action' | 'batches'> & ReadLines;

/** A range of seqs to ask of the cloud's buffer: afterSeq < seq <= toSeq. */
export interface SeqRange {
  readonly afterSeq: number;
  readonly toSeq: number;
}

export interface LogsStore {
  /** Reactive: re-runs when that container's lines change. */
  view(ref: ContainerRef): ContainerLogs;
  lastSeq(ref: ContainerRef): number | undefined;
  /** The epoch `lastSeq` belongs to, sent with it when (re)subscribing. */
  epoch(ref: ContainerRef): number | undefined;
  beginHistory(ref: ContainerRef): void;
  applyHistory(message: HistoryLines): void;
  /** A live batch's lines, or (no lines) the seqs of live batches that could not be read. */
  applyBatch(message: BatchLines): void;
  /**
   * Lines fetched from the cloud's buffer: those inside a gap close it; those after the last seq
   * held (the tail check's answer) are new lines, merged like a live batch; those before the
   * oldest held (scrolling back, or a stored batch reaching back) go before the held lines.
   */
  applyFetched(message: FetchedLines): void;
  /**
   * The reader reached the top of the container's lines: ask for the older ones (once at a time;
   * not while its history loads, at the start of the buffer, or when the view holds its capacity).
   */
  loadOlder(ref: ContainerRef): void;
  /** A subscription failed, and no telling whose: stop holding live lines back for any container. */
  endAllHistory(): void;
  /** The subscription of this container failed: stop holding its live lines back. */
  endHistory(ref: ContainerRef): void;
  /** The container is no longer watched: its lines are dropped (a later subscribe starts it afresh, with row keys of its own). */
  release(ref: ContainerRef): void;
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
  /** Older lines are wanted (loadOlder): fetch the range (log.fetch) and hand the answer to applyFetched. */
  readonly onFetchOlder?: (ref: ContainerRef, epoch: number, range: SeqRange) => void;
}

/** The scroll-back of one container, in one epoch (another epoch starts it over). */
interface Older {
  readonly status: OlderStatus;
  readonly epoch?: number;
  /** While loading: what was asked, the older lines of its answer so far, and how often it was asked. */
  readonly request?: SeqRange;
  readonly lines: LogLine[];
  readonly lost: GapRange[];
  asked: number;
}

const IDLE: Older = { status: 'idle', lines: [], lost: [], asked: 0 };

interface Entry {
  readonly ref: ContainerRef;
  readonly buffer: LineBuffer;
  readonly version: Accessor<number>;
  readonly bump: Setter<number>;
  /** Gaps still fetching when the subscription was re-sent: asked again once its history is in. */
  refetch: GapRange[];
  /** Times each fetching gap (by its first seq) has been asked for since its last answer, in the buffer's numbering `askedIn`. */
  readonly asked: Map<number, number>;
  askedIn: number;
  older: Older;
}

/** How often one gap is asked for before it is given up as missing. */
export const MAX_FETCH_ATTEMPTS = 5;

const EMPTY: ContainerLogs = { rows: [], lineCount: 0, loadingHistory: false, trimmed: 0, olderStatus: 'idle', rewrites: 0 };

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
  /** The numbering each released container's buffer had reached: the next one's keys go on after it. */
  const releasedNumbering = new Map<string, number>();
  // Creating or dropping an entry must notify views that read it before.
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
      const buffer = new LineBuffer({ capacity: options.capacity, numberingAfter: releasedNumbering.get(key) });
      found = { ref: { agentId: ref.agentId, containerId: ref.containerId }, buffer, version, bump, refetch: [], asked: new Map(), askedIn: buffer.numbering, older: IDLE };
      entries.set(key, found);
      setCreated((n) => n + 1);
    }
    return found;
  };

  /** Asks for the gaps the last change made; without an epoch they cannot be asked for, so they are marked missing. */
  const fetchGaps = (e: Entry, gaps: readonly GapRange[] = e.buffer.takeNewGaps()) => {
    const epoch = e.buffer.epoch;
    // The numbering restarted: counts by seq are of the old one.
    if (e.askedIn !== e.buffer.numbering) {
      e.asked.clear();
      e.askedIn = e.buffer.numbering;
    }
    for (const gap of gaps) {
      const attempts = (e.asked.get(gap.fromSeq) ?? 0) + 1;
      e.asked.set(gap.fromSeq, attempts);
      if (epoch === undefined || !options.onGap || attempts > MAX_FETCH_ATTEMPTS) e.buffer.fillGap(gap.fromSeq - 1, gap.toSeq, [], true);
      else options.onGap(e.ref, epoch, gap);
    }
  };

  /** The scroll-back state of the epoch held: one of an earlier epoch is over. */
  const olderOf = (e: Entry): Older => (e.older.epoch === e.buffer.epoch ? e.older : IDLE);

  const askOlder = (e: Entry, older: Older): void => {
    older.asked += 1;
    if (older.request && older.epoch !== undefined) options.onFetchOlder?.(e.ref, older.epoch, older.request);
  };

  /**
   * The scroll-back's answer is complete: merge it; nothing older in it means the start of the
   * buffer — unless the byte bound stopped the read (`readToSeq`): then the seqs it covered but
   * lacks are gone, and those after it are a gap to fetch (LineBuffer.prependOlder).
   */
  const finishOlder = (e: Entry, older: Older, readToSeq: number | undefined): void => {
    const toSeq = older.request?.toSeq ?? 0;
    const found = older.lines.some((line) => line.seq <= toSeq) || older.lost.some((span) => span.fromSeq <= toSeq);
    const stopped = readToSeq !== undefined && older.request ? { afterSeq: older.request.afterSeq, readToSeq } : undefined;
    e.buffer.prependOlder(older.lines, stopped, older.lost);
    // Older batches that could not be read, below all that came: a gap at the top, fetched like any gap.
    if (older.lost.length > 0) e.buffer.addLive([], older.epoch, older.lost);
    e.older = { ...IDLE, status: found || readToSeq !== undefined ? 'idle' : 'exhausted', epoch: older.epoch };
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
      return {
        rows: buffer.rows,
        lineCount: buffer.lineCount,
        loadingHistory: buffer.loadingHistory,
        trimmed: buffer.trimmed,
        olderStatus: olderOf(found).status,
        rewrites: buffer.rewrites,
      };
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
      if (message.reset) {
        e.buffer.restart(message.epoch, 'reset');
        e.older = IDLE;
      }
      e.buffer.addHistory(message.lines, message.done, message.epoch, message.lost);
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
      const outcome = e.buffer.addLive(message.lines, message.epoch, message.lost);
      fetchGaps(e);
      if (outcome.added > 0 || outcome.gaps > 0) markChanged(e);
    },
    applyFetched(message) {
      const e = entries.get(containerKey(message));
      // Asked before the numbering restarted: those seqs are not the ones held now.
      if (!e || e.buffer.epoch !== message.epoch) return;
      const oldest = e.buffer.oldestSeq;
      const below = oldest === undefined ? [] : message.lines.filter((line) => line.seq < oldest);
      const rest = below.length === 0 ? message.lines : message.lines.filter((line) => line.seq >= oldest!);
      const older = olderOf(e);
      const forOlder = older.status === 'loading' && older.request?.afterSeq === message.afterSeq && older.request.toSeq === message.toSeq;
      if (forOlder) {
        // Merged once complete: a part alone would leave the seqs still to come looking like a gap.
        for (const line of below) older.lines.push(line);
        older.lost.push(...message.lost);
        if (message.done) finishOlder(e, older, message.readToSeq);
      } else if (below.length > 0) {
        e.buffer.prependOlder(below);
      }
      const last = e.buffer.lastSeq ?? 0;
      const inGaps = rest.filter((line) => line.seq <= last);
      const after = rest.filter((line) => line.seq > last);
      if (!forOlder && message.afterSeq < last) {
        // A read the cloud's byte bound stopped covers the seqs up to readToSeq only: what it
        // lacks there is missing, the gap's rest a new gap (asked for by fetchGaps below).
        const answered = e.buffer.fillGap(message.afterSeq, Math.min(message.readToSeq ?? message.toSeq, last), inGaps, message.done, message.lost);
        // A whole answer came: only the asks that go unanswered from now on count against the gap.
        // A first part alone does not reset them: a cloud whose last parts never come is given up.
        if (answered && message.done) e.asked.delete(answered.fromSeq);
      }
      if (after.length > 0) e.buffer.addLive(after, message.epoch);
      fetchGaps(e);
      markChanged(e);
    },
    loadOlder(ref) {
      const e = entries.get(containerKey(ref));
      if (!e || e.buffer.loadingHistory || olderOf(e).status !== 'idle') return;
      const epoch = e.buffer.epoch;
      const oldest = e.buffer.oldestSeq;
      if (epoch === undefined || oldest === undefined) return;
      if (oldest <= 1) {
        e.older = { ...IDLE, status: 'exhausted', epoch };
        markChanged(e);
        return;
      }
      const wanted = Math.min(MAX_FETCH_LINES, e.buffer.room);
      if (wanted === 0) return;
      const toSeq = oldest - 1;
      e.older = { status: 'loading', epoch, request: { afterSeq: Math.max(0, toSeq - wanted), toSeq }, lines: [], lost: [], asked: 0 };
      askOlder(e, e.older);
      markChanged(e);
    },
    release(ref) {
      const key = containerKey(ref);
      const e = entries.get(key);
      if (!e) return;
      entries.delete(key);
      releasedNumbering.set(key, e.buffer.numbering);
      dirty.delete(e);
      batch(() => {
        e.bump((n) => n + 1);
        setCreated((n) => n + 1);
      });
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
        const older = olderOf(e);
        if (older.status === 'loading') {
          // Not answered (the answer's post failed, or the connection dropped): ask again, then let the reader ask anew.
          if (older.asked >= MAX_FETCH_ATTEMPTS) {
            e.older = { ...IDLE, epoch: older.epoch };
            markChanged(e);
          } else askOlder(e, older);
        }
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
