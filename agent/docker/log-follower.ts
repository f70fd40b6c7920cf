/**
 * Follows one container's logs for as long as the cloud wants them:
 *   Docker stream → demuxer → line framer → resume filter → sequencer → batcher → sink.
 *
 * A follow stream ends when the container stops. The follower then waits, and when the container
 * runs again (a `start` event, or a re-check) it follows again with `since` = the timestamp of the
 * last line it sent, dropping the inclusive repeats by timestamp and text exactly as a resume from
 * the cloud does — so numbering continues without gaps or duplicates across restarts.
 *
 * A follow that fails (an error mid-stream such as ECONNRESET, or Docker refusing to open it: a 500,
 * EMFILE) is tried again with capped, jittered backoff, from the same resume point; a line cut off
 * by the failure is forgotten, since `since` brings it again whole. Only two things end the retries:
 * a stream that is not in Docker's format (reading it again would fail the same way), and Docker
 * saying the container does not exist (404) — the follower then stops itself and tells its owner
 * (`onGone`) to forget it. `revive()` (a later log.stream.start) follows an ended stream again at once.
 *
 * Catch-up: the first follow of a stream the cloud started with a resume point asks Docker for the
 * newest `tail + 1` lines since it (not everything since), and a CatchUp (agent/pipeline/catch-up.ts)
 * puts one counted marker where it skipped lines (docs/reliability.md). Re-follows after that
 * continue from the follower's own last line, with `since` alone: nothing of theirs is skipped.
 *
 * Backpressure: when the sink reports congestion the Docker stream is paused (Docker keeps the
 * lines in its log file) until the sink has drained. Then the stream is not resumed but followed
 * anew from the last line sent: dockerd's reader of a blocked follow, when rotation (`max-size`)
 * runs past it, silently skips and repeats lines (seen on the real engine: a sub-second pause
 * lost thousands of lines of a fast writer with 64 KB files), whereas a fresh `since` reads every
 * file Docker still keeps — and shows whether the resume point's line is still among them
 * (rotation-check.ts: a `rotated` marker when it is not). A removed container's stream is the
 * only copy left, so it is resumed instead. The follower tells the sink how many bytes its
 * pipeline holds (`holding`).
 */
import type { Readable } from 'node:stream';
import { compareTimestamps, type ResumePoint } from '../../protocol';
import type { Logger } from '../logger';
import { LogBatcher } from '../pipeline/batcher';
import type { LineBatch } from '../pipeline/line-batch';
import { CatchUp } from '../pipeline/catch-up';
import { LineFramer, type FramedLine } from '../pipeline/line-framer';
import { ResumeFilter } from '../pipeline/resume-filter';
import { RotationCheck } from '../pipeline/rotation-check';
import { Sequencer } from '../pipeline/sequencer';
import { ReconnectBackoff } from '../transport/reconnect-backoff';
import { ContainerNotFoundError, type ContainerSource, type FollowFrom, type LogFollow } from './container-source';
import { DockerStreamFormatError, FrameDemuxer } from './frame-demuxer';
import { countSkippedLines } from './skipped-line-count';

/** Where a container's batches go: BatchDelivery's sink for it in the agent, a recording fake in tests. */
export interface BatchSink {
  send(batch: LineBatch): void;
  /** True while the sink holds more than it wants: followers pause their Docker streams. */
  isCongested(): boolean;
  /** Calls `listener` once when the sink has room again; the returned function cancels that. */
  onceDrained(listener: () => void): () => void;
  /** The bytes the follower's pipeline holds now (lines being joined or batched, a paused stream's buffer). */
  holding?(bytes: number): void;
  /** Whether no batch of the container waits for its ack (then a batch goes after a short linger). Absent: always. */
  idle?(): boolean;
  /** Calls `listener` once when no batch waits for its ack any more; the returned function cancels that. */
  onceIdle?(listener: () => void): () => void;
  /** Whether what the batcher holds must go now for the memory bound (near it, with nothing queued that a pause could wait on). */
  tight?(): boolean;
}

/** What log.stream.start asked for. */
export interface FollowRequest {
  readonly tail: number;
  readonly resume?: ResumePoint;
  /** With `resume`: only the newest `tail` lines since it are sent, behind a catch_up marker (LogStreamStart.catchUp). */
  readonly catchUp?: boolean;
  /** The numbering the cloud started this stream in: every batch carries it. */
  readonly epoch: number;
}

export interface LogFollowerOptions {
  readonly containerId: string;
  readonly source: ContainerSource;
  readonly sink: BatchSink;
  readonly logger: Logger;
  readonly request: FollowRequest;
  readonly batchDelayMs?: number;
  /** The longest line kept whole (UTF-8 bytes; MAX_LINE_BYTES by default): longer ones are cut, with their original size. */
  readonly maxLineBytes?: number;
  /**
   * After a stream ends, how long to wait before checking whether the container runs again; also
   * the first wait before following a failed stream again (doubling, jittered, per failure in a row).
   */
  readonly recheckDelayMs?: number;
  /** The longest wait between attempts for a follow that keeps failing. Default 30000. */
  readonly maxRetryDelayMs?: number;
  /** Docker says the container does not exist: the follower has stopped itself and may be forgotten. */
  readonly onGone?: () => void;
  /**
   * A stream paused at least this long is followed anew from the last line sent instead of resumed.
   * Default 0: always (see the file comment: dockerd may skip what it rotated meanwhile).
   */
  readonly refollowAfterPauseMs?: number;
  /**
   * How long a catch-up may count the lines it skips before the first line goes (the count is then
   * a lower bound). Default DEFAULT_CATCH_UP_BUDGET_MS.
   */
  readonly catchUpBudgetMs?: number;
}

/** Holds the first line of a catch-up back at most this long (plus the window's transfer). */
export const DEFAULT_CATCH_UP_BUDGET_MS = 1500;

export type FollowerState = 'opening' | 'following' | 'ended' | 'stopped';

const DEFAULT_RECHECK_DELAY_MS = 1000;
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;
const DEFAULT_REFOLLOW_AFTER_PAUSE_MS = 0;
/** How much of Docker's stream is framed between two checks of the sink's room. */
export const READ_SLICE_BYTES = 8 * 1024;

export class LogFollower {
  private currentState: FollowerState = 'ended';
  /** Bumped whenever a stream is opened or the follower stops: callbacks of older streams see a stale value and do nothing. */
  private generation = 0;
  private stream: Readable | undefined;
  private framer: LineFramer | undefined;
  /** The rest of a chunk read when the sink filled up: fed before the stream resumes. */
  private unread: Buffer | undefined;
  private abort: AbortController | undefined;
  private cancelDrainWait: (() => void) | undefined;
  /** The pending re-check or retry, whichever the last end or failure called for. */
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** What `retryTimer` will do: after a failure the follow is owed again whether or not the container runs. */
  private pending: 'open' | 'recheck' | undefined;
  private readonly sequencer: Sequencer;
  private readonly batcher: LogBatcher;
  /** The newest timestamp sent and the texts sent at exactly that timestamp: our own resume point. */
  private lastSent: { ts: string; textsAtTs: string[] } | undefined;
  /** Waits between attempts: reset by a delivered line, so only failures (and empty streams) in a row grow it. */
  private readonly backoff: ReconnectBackoff;
  /** A failure was reported and no line has come since: the next failure is not reported again. */
  private failureReported = false;
  /** The catch-up of the stream's first follow (with the cloud's resume point); 'done' once it has decided. */
  private catchUp: CatchUp | undefined;
  /** Set by finish(): the container is gone, so read to the stream's end, then stop. */
  private finished: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly options: LogFollowerOptions) {
    this.sequencer = new Sequencer(options.request.resume?.seq ?? 0);
    this.backoff = new ReconnectBackoff({
      initialDelayMs: options.recheckDelayMs ?? DEFAULT_RECHECK_DELAY_MS,
      maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
    });
    this.batcher = new LogBatcher({
      containerId: options.containerId,
      epoch: options.request.epoch,
      send: (batch) => {
        // The batch has left the batcher's count (a line whose add closed it stays counted there):
        // it leaves the pipeline's before it joins the sink's, never counted twice.
        this.reportHolding();
        options.sink.send(batch);
      },
      ...(options.batchDelayMs !== undefined ? { delayMs: options.batchDelayMs } : {}),
      ...(options.sink.idle ? { idle: () => options.sink.idle!() } : {}),
      ...(options.sink.onceIdle ? { onceIdle: (listener: () => void) => options.sink.onceIdle!(listener) } : {}),
      ...(options.sink.tight ? { tight: () => options.sink.tight!() } : {}),
    });
  }

  get state(): FollowerState {
    return this.currentState;
  }

  /** The seq of the last line handed to the sink's batches (0 before the first). */
  get lastSeq(): number {
    return this.sequencer.last;
  }

  start(): void {
    if (this.currentState !== 'ended' || this.generation > 0) return;
    this.open();
  }

  /** The container (re)started: follow again if the previous stream has ended. */
  containerStarted(): void {
    if (this.currentState === 'ended') this.open();
  }

  /**
   * The cloud asked for this stream again (a later log.stream.start): if it has ended — for good,
   * or waiting for a start event or a retry — follow again now, continuing the numbering.
   */
  revive(): void {
    if (this.currentState !== 'ended') return;
    this.backoff.reset();
    this.open();
  }

  /** Follows again if the stream has ended but the container runs (e.g. after Docker came back). */
  recheck(): void {
    if (this.currentState !== 'ended') return;
    // A failed follow waiting for its retry: Docker may answer now, and the lines are owed anyway.
    if (this.pending === 'open') {
      this.open();
      return;
    }
    const generation = this.generation;
    this.options.source.inspect(this.options.containerId).then(
      (state) => {
        // Not running: its start event (or a later start from the cloud) brings it back.
        if (generation === this.generation && this.currentState === 'ended' && state.running) this.open();
      },
      (err: unknown) => {
        if (generation !== this.generation || this.currentState !== 'ended') return;
        if (err instanceof ContainerNotFoundError) {
          this.gone(`Container ${this.label} no longer exists: stopped following it.`);
          return;
        }
        this.reportFailure(`Cannot check container ${this.label} (${describe(err)}); trying again.`);
        this.after('recheck');
      },
    );
  }

  /**
   * The container is gone (destroyed): its log file with it, so destroying the stream would lose
   * what Docker still had to send. Reads the current stream (or the one being opened) to its end,
   * never follows again, and stops; resolves once every line read is in the sink's batches.
   */
  finish(): Promise<void> {
    if (!this.finished) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.finished = { promise, resolve };
    }
    if (this.currentState === 'ended' || this.currentState === 'stopped') this.stop();
    return this.finished.promise;
  }

  /** Stops following: destroys the stream, sends the lines already numbered, forgets unfinished ones. */
  stop(): void {
    this.finished?.resolve();
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.pending = undefined;
    this.cancelDrainWait?.();
    this.cancelDrainWait = undefined;
    this.catchUp?.cancel();
    this.abort?.abort();
    this.stream?.destroy();
    this.stream = undefined;
    this.framer = undefined;
    this.unread = undefined;
    this.batcher.flush();
    this.options.sink.holding?.(0);
  }

  private open(): void {
    const generation = ++this.generation;
    this.currentState = 'opening';
    clearTimeout(this.retryTimer);
    this.pending = undefined;
    const abort = new AbortController();
    this.abort = abort;
    const { from, filter, catchUp, rotation } = this.plan(generation);
    this.options.source.follow(this.options.containerId, { from, signal: abort.signal }).then(
      (follow) => {
        if (generation !== this.generation) {
          follow.stream.destroy();
          return;
        }
        this.attach(generation, follow, filter, catchUp, rotation);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.abort = undefined;
        this.currentState = 'ended';
        this.reportHolding();
        if (this.finished) return this.stop();
        if (err instanceof ContainerNotFoundError) {
          this.gone(`Cannot follow the logs of container ${this.label}: ${err.why}.`);
          return;
        }
        this.reportFailure(`Cannot follow the logs of container ${this.label} (${describe(err)}); trying again.`);
        this.after('open');
      },
    );
  }

  /** Where the next stream starts, which of its lines were sent already, and whether it catches up. */
  private plan(generation: number): {
    from: FollowFrom;
    filter: ResumeFilter | undefined;
    catchUp: CatchUp | undefined;
    rotation: RotationCheck | undefined;
  } {
    const { request } = this.options;
    if (!this.lastSent && request.resume && request.catchUp && this.catchUp?.state !== 'done') {
      const resume = request.resume;
      this.catchUp = new CatchUp({
        tail: request.tail,
        resumeTs: resume.ts,
        count: (first, after, signal) =>
          countSkippedLines({
            source: this.options.source,
            containerId: this.options.containerId,
            resume,
            last: first,
            after,
            budgetMs: this.options.catchUpBudgetMs ?? DEFAULT_CATCH_UP_BUDGET_MS,
            signal,
          }),
        line: (line) => {
          // The line moves from the catch-up's held bytes to the batch: the sink sees the room it takes.
          this.send(line);
          this.reportHolding();
        },
        // The held window goes line by line as the sink has room (a window of long lines is many times its budget).
        isCongested: () => this.options.sink.isCongested(),
        drained: (signal) =>
          new Promise<void>((resolve) => {
            const cancel = this.options.sink.onceDrained(resolve);
            signal.addEventListener('abort', () => {
              cancel();
              resolve();
            }, { once: true });
          }),
        marker: (marker, skipped) => {
          this.batcher.add({ seq: this.sequencer.next(), ...marker });
          if (skipped) this.remember(skipped);
        },
        onReleased: () => {
          if (generation === this.generation && !this.cancelDrainWait) this.stream?.resume();
        },
      });
      // No rotation check: the lines the window leaves out are the catch-up's skip, counted, not a rotation.
      return { from: { since: resume.ts, tail: request.tail + 1 }, filter: new ResumeFilter(resume), catchUp: this.catchUp, rotation: undefined };
    }
    const resume = this.lastSent ?? request.resume;
    if (resume) return { from: { since: resume.ts }, filter: new ResumeFilter(resume), catchUp: undefined, rotation: new RotationCheck(resume.ts) };
    return { from: { tail: request.tail }, filter: undefined, catchUp: undefined, rotation: undefined };
  }

  private attach(
    generation: number,
    follow: LogFollow,
    filter: ResumeFilter | undefined,
    catchUp: CatchUp | undefined,
    rotation: RotationCheck | undefined,
  ): void {
    const { stream } = follow;
    this.stream = stream;
    this.abort = undefined;
    this.currentState = 'following';
    const framer = new LineFramer({
      mode: follow.mode,
      onLine: (line) => this.accept(line, filter, catchUp, rotation),
      ...(this.options.maxLineBytes !== undefined ? { maxLineBytes: this.options.maxLineBytes } : {}),
    });
    this.framer = framer;
    const demuxer = new FrameDemuxer(follow.mode, {
      piece: (piece) => framer.push(piece.stream, piece.payload, piece.frameEnd),
      systemError: (message) => this.options.logger.warn(`Docker reported an error in the logs of container ${this.label}: ${message}`),
    });

    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      if (generation !== this.generation) return;
      // A clean end is the container stopping: its last line may lack a "\n". After a failure the
      // unfinished line is dropped instead: the next stream's `since` brings it again, whole.
      if (!err) {
        demuxer.end();
        framer.end();
      }
      // A catch-up still counting: its held lines go once it has, before the stream's end is acted on.
      // After a failure too when the container is gone: no follow could bring them again.
      if ((!err || this.finished) && catchUp?.busy) {
        void catchUp.released.then(() => {
          if (generation === this.generation) afterEnd(err);
        });
        return;
      }
      afterEnd(err);
    };
    const afterEnd = (err?: Error): void => {
      if (err) catchUp?.cancel();
      this.cancelDrainWait?.();
      this.cancelDrainWait = undefined;
      this.batcher.flush();
      this.stream = undefined;
      this.framer = undefined;
      this.unread = undefined;
      this.options.sink.holding?.(0);
      this.currentState = 'ended';
      if (this.finished) return this.stop();
      if (err instanceof DockerStreamFormatError) {
        // Reading the same bytes again would fail the same way: only a later start tries again.
        this.options.logger.error(`Stopped following container ${this.label}: ${err.message}`);
        return;
      }
      if (err) {
        // Follow again whether or not the container still runs: a stopped one's remaining lines
        // are still in its log, and Docker sends them before it ends the stream.
        this.reportFailure(`The log stream of container ${this.label} failed (${describe(err)}); following it again.`);
        this.after('open');
        return;
      }
      // Ended (the container stopped, or Docker went away): follow again only if it still runs.
      this.after('recheck');
    };

    // Read in slices, asking the sink before each: what one slice adds is small and known (see
    // memory-budget.ts's margin), where a whole chunk of Docker's stream could be 64 KB of lines.
    // What is left of a chunk when the sink fills waits, counted, with the paused stream.
    const feed = (bytes: Buffer): boolean => {
      for (let offset = 0; offset < bytes.length; offset += READ_SLICE_BYTES) {
        if (offset > 0 && this.options.sink.isCongested()) {
          this.unread = bytes.subarray(offset);
          this.reportHolding();
          this.pauseUntilDrained(stream, generation, feed);
          return false;
        }
        try {
          demuxer.push(bytes.subarray(offset, offset + READ_SLICE_BYTES));
        } catch (err) {
          finish(err as Error);
          stream.destroy();
          return false;
        }
        this.reportHolding();
      }
      if (this.options.sink.isCongested()) {
        this.pauseUntilDrained(stream, generation, feed);
        return false;
      }
      // A catch-up holding a whole window while it counts: Docker keeps the rest until it is done
      // (its onReleased resumes the stream; nothing else may).
      if (catchUp?.isFull()) {
        stream.pause();
        return false;
      }
      return true;
    };
    stream.on('data', (chunk: Buffer) => {
      if (generation === this.generation) feed(chunk);
    });
    let ended = false;
    stream.once('end', () => {
      ended = true;
      finish();
    });
    stream.once('error', (err: Error) => finish(err));
    // Closed without an end (the connection to Docker was cut): a failure, not the container stopping.
    stream.once('close', () => finish(ended ? undefined : new Error('the connection to Docker closed mid-stream')));
  }

  private accept(line: FramedLine, filter: ResumeFilter | undefined, catchUp: CatchUp | undefined, rotation: RotationCheck | undefined): void {
    this.backoff.reset();
    this.failureReported = false;
    const marker = rotation?.inspect(line);
    if (marker) {
      this.options.logger.warn(`Docker no longer holds the lines of container ${this.label} after ${marker.skipped.from}: its log was rotated meanwhile; a marker says so.`);
      this.batcher.add({ seq: this.sequencer.next(), ...marker });
    }
    if (filter && !filter.accepts(line)) {
      catchUp?.dropped();
      return;
    }
    if (catchUp) catchUp.accept(line);
    else this.send(line);
  }

  /** Numbers a line, remembers it as sent, and batches it. */
  private send(line: FramedLine): void {
    const seq = this.sequencer.next();
    this.remember(line);
    this.batcher.add(
      line.truncated
        ? { seq, ts: line.ts, stream: line.stream, text: line.text, truncated: true, originalBytes: line.originalBytes }
        : { seq, ts: line.ts, stream: line.stream, text: line.text },
    );
  }

  private remember(line: FramedLine): void {
    const order = this.lastSent ? compareTimestamps(line.ts, this.lastSent.ts) : 1;
    if (order > 0) this.lastSent = { ts: line.ts, textsAtTs: [line.text] };
    else if (order === 0) this.lastSent!.textsAtTs.push(line.text);
  }

  private pauseUntilDrained(stream: Readable, generation: number, feed: (bytes: Buffer) => boolean): void {
    if (this.cancelDrainWait) return;
    stream.pause();
    const pausedAt = Date.now();
    this.cancelDrainWait = this.options.sink.onceDrained(() => {
      this.cancelDrainWait = undefined;
      if (generation !== this.generation) return;
      // A removed container's stream is the only copy left: it is read on, never followed anew. So is
      // a catch-up's, still fresh: following anew would start its window and count over.
      if (this.finished || this.catchUp?.busy || Date.now() - pausedAt < (this.options.refollowAfterPauseMs ?? DEFAULT_REFOLLOW_AFTER_PAUSE_MS)) {
        const unread = this.unread;
        this.unread = undefined;
        if (unread && !feed(unread)) return;
        if (!this.catchUp?.isFull()) stream.resume();
        return;
      }
      // Rotation may have run past dockerd's blocked reader: a fresh `since` reads what Docker still keeps.
      this.refollow();
    });
  }

  /** Drops the current stream (an unfinished line with it: `since` brings it again, whole) and follows anew from the last line sent. */
  private refollow(): void {
    const stream = this.stream;
    this.generation += 1;
    // Lines a catch-up still holds are read again by the new follow, which starts the catch-up over.
    this.catchUp?.cancel();
    this.stream = undefined;
    this.framer = undefined;
    this.unread = undefined;
    stream?.destroy();
    this.batcher.flush();
    // What the dropped stream held is no longer held: other containers may have that room now.
    this.reportHolding();
    this.open();
  }

  /** What the pipeline holds: the batch being collected, lines being joined, what the paused stream buffered. */
  private reportHolding(): void {
    if (!this.options.sink.holding) return;
    this.options.sink.holding(
      this.batcher.pendingBytes +
        this.batcher.pendingObjectBytes +
        (this.framer?.pendingBytes ?? 0) +
        (this.catchUp?.heldBytes ?? 0) +
        (this.unread?.length ?? 0) +
        (this.stream?.readableLength ?? 0),
    );
  }

  /** Opens or re-checks after the backoff's next wait: failures (and empty streams) in a row wait longer, up to the cap. */
  private after(attempt: 'open' | 'recheck'): void {
    clearTimeout(this.retryTimer);
    this.pending = attempt;
    this.retryTimer = setTimeout(() => {
      this.pending = undefined;
      if (attempt === 'open') this.open();
      else this.recheck();
    }, this.backoff.next());
  }

  /** A streak of failures is reported once; a delivered line ends the streak. */
  private reportFailure(message: string): void {
    if (this.failureReported) return;
    this.failureReported = true;
    this.options.logger.warn(message);
  }

  /** Docker no longer has the container: stop, and let the owner forget this follower. */
  private gone(message: string): void {
    this.options.logger.warn(message);
    this.stop();
    this.options.onGone?.();
  }

  private get label(): string {
    return this.options.containerId.slice(0, 12);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
