/**
 * Follows one container's logs for as long as the cloud wants them:
 *   Docker stream → demuxer → line framer → resume filter → sequencer → batcher → sink.
 *
 * A follow stream ends when the container stops. The follower then waits, and when the container
 * runs again (a `start` event, or a re-check) it follows again with `since` = the timestamp of the
 * last line it sent, dropping the inclusive repeats by timestamp and text exactly as a resume from
 * the cloud does — so numbering continues without gaps or duplicates across restarts.
 *
 * Backpressure: when the sink reports congestion the Docker stream is paused (Docker keeps the
 * lines in its log file) and resumed once the sink has drained.
 */
import type { Readable } from 'node:stream';
import { compareTimestamps, type AgentLogBatch, type ResumePoint } from '../../protocol';
import type { Logger } from '../logger';
import { LogBatcher } from '../pipeline/batcher';
import { LineFramer, type FramedLine } from '../pipeline/line-framer';
import { ResumeFilter } from '../pipeline/resume-filter';
import { Sequencer } from '../pipeline/sequencer';
import { ContainerNotFoundError, type ContainerSource, type FollowFrom, type LogFollow } from './container-source';
import { DockerStreamFormatError, FrameDemuxer } from './frame-demuxer';

/** Where a container's batches go: BatchDelivery's sink for it in the agent, a recording fake in tests. */
export interface BatchSink {
  send(batch: AgentLogBatch): void;
  /** True while the sink holds more than it wants: followers pause their Docker streams. */
  isCongested(): boolean;
  /** Calls `listener` once when the sink has room again; the returned function cancels that. */
  onceDrained(listener: () => void): () => void;
}

/** What log.stream.start asked for. */
export interface FollowRequest {
  readonly tail: number;
  readonly resume?: ResumePoint;
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
  /** After a stream ends, how long to wait before checking whether the container runs again. */
  readonly recheckDelayMs?: number;
}

export type FollowerState = 'opening' | 'following' | 'ended' | 'stopped';

const DEFAULT_RECHECK_DELAY_MS = 1000;
/** 1 s · 2^6 ≈ a minute between attempts at most, for a stream that keeps failing. */
const MAX_BACKOFF_DOUBLINGS = 6;

export class LogFollower {
  private currentState: FollowerState = 'ended';
  /** Bumped whenever a stream is opened or the follower stops: callbacks of older streams see a stale value and do nothing. */
  private generation = 0;
  private stream: Readable | undefined;
  private abort: AbortController | undefined;
  private cancelDrainWait: (() => void) | undefined;
  private recheckTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly sequencer: Sequencer;
  private readonly batcher: LogBatcher;
  /** The newest timestamp sent and the texts sent at exactly that timestamp: our own resume point. */
  private lastSent: { ts: string; textsAtTs: string[] } | undefined;
  /** Streams in a row that ended without delivering a line: each doubles the wait before the next. */
  private unproductiveStreams = 0;
  /** A failure was reported and no line has come since: the next failure is not reported again. */
  private failureReported = false;
  /** The current stream has delivered at least one line. */
  private delivered = false;
  /** Set by finish(): the container is gone, so read to the stream's end, then stop. */
  private finished: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly options: LogFollowerOptions) {
    this.sequencer = new Sequencer(options.request.resume?.seq ?? 0);
    this.batcher = new LogBatcher({
      containerId: options.containerId,
      epoch: options.request.epoch,
      send: (batch) => options.sink.send(batch),
      ...(options.batchDelayMs !== undefined ? { delayMs: options.batchDelayMs } : {}),
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

  /** Follows again if the stream has ended but the container runs (e.g. after Docker came back). */
  recheck(): void {
    if (this.currentState !== 'ended') return;
    const generation = this.generation;
    this.options.source.inspect(this.options.containerId).then(
      (state) => {
        if (generation === this.generation && this.currentState === 'ended' && state.running) this.open();
      },
      () => {
        // Gone or unreachable: a start event or Docker's return will bring us back.
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
    clearTimeout(this.recheckTimer);
    this.cancelDrainWait?.();
    this.cancelDrainWait = undefined;
    this.abort?.abort();
    this.stream?.destroy();
    this.stream = undefined;
    this.batcher.flush();
  }

  private open(): void {
    const generation = ++this.generation;
    this.currentState = 'opening';
    clearTimeout(this.recheckTimer);
    const abort = new AbortController();
    this.abort = abort;
    const { from, filter } = this.plan();
    this.options.source.follow(this.options.containerId, { from, signal: abort.signal }).then(
      (follow) => {
        if (generation !== this.generation) {
          follow.stream.destroy();
          return;
        }
        this.attach(generation, follow, filter);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.abort = undefined;
        this.currentState = 'ended';
        if (this.finished) return this.stop();
        // No retry loop here: the container's next start event, or Docker coming back, re-checks.
        const reason = err instanceof ContainerNotFoundError ? 'it does not exist' : describe(err);
        this.options.logger.warn(`Cannot follow the logs of container ${this.label}: ${reason}.`);
      },
    );
  }

  /** Where the next stream starts, and which of its lines were sent already. */
  private plan(): { from: FollowFrom; filter: ResumeFilter | undefined } {
    const resume = this.lastSent ?? this.options.request.resume;
    if (resume) return { from: { since: resume.ts }, filter: new ResumeFilter(resume) };
    return { from: { tail: this.options.request.tail }, filter: undefined };
  }

  private attach(generation: number, follow: LogFollow, filter: ResumeFilter | undefined): void {
    const { stream } = follow;
    this.stream = stream;
    this.delivered = false;
    this.abort = undefined;
    this.currentState = 'following';
    const framer = new LineFramer({ mode: follow.mode, onLine: (line) => this.accept(line, filter) });
    const demuxer = new FrameDemuxer(follow.mode, {
      piece: (piece) => framer.push(piece.stream, piece.payload, piece.frameEnd),
      systemError: (message) => this.options.logger.warn(`Docker reported an error in the logs of container ${this.label}: ${message}`),
    });

    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      if (generation !== this.generation) return;
      this.cancelDrainWait?.();
      this.cancelDrainWait = undefined;
      demuxer.end();
      framer.end();
      this.batcher.flush();
      this.stream = undefined;
      this.currentState = 'ended';
      if (this.finished) return this.stop();
      if (err instanceof DockerStreamFormatError) {
        // Reading the same bytes again would fail the same way.
        this.options.logger.error(`Stopped following container ${this.label}: ${err.message}`);
        return;
      }
      // A stream that keeps failing (or ending at once) is retried less and less often, and its
      // failures are reported once per streak.
      if (err && !this.failureReported) {
        this.options.logger.warn(`The log stream of container ${this.label} failed (${describe(err)}); following it again.`);
        this.failureReported = true;
      }
      if (!this.delivered) this.unproductiveStreams += 1;
      this.scheduleRecheck();
    };

    stream.on('data', (chunk: Buffer) => {
      if (generation !== this.generation) return;
      try {
        demuxer.push(chunk);
      } catch (err) {
        finish(err as Error);
        stream.destroy();
        return;
      }
      if (this.options.sink.isCongested()) this.pauseUntilDrained(stream, generation);
    });
    stream.once('end', () => finish());
    stream.once('error', (err: Error) => finish(err));
    stream.once('close', () => finish());
  }

  private accept(line: FramedLine, filter: ResumeFilter | undefined): void {
    this.delivered = true;
    this.unproductiveStreams = 0;
    this.failureReported = false;
    if (filter && !filter.accepts(line)) return;
    const seq = this.sequencer.next();
    this.remember(line);
    this.batcher.add(
      line.truncated
        ? { seq, ts: line.ts, stream: line.stream, text: line.text, truncated: true }
        : { seq, ts: line.ts, stream: line.stream, text: line.text },
    );
  }

  private remember(line: FramedLine): void {
    const order = this.lastSent ? compareTimestamps(line.ts, this.lastSent.ts) : 1;
    if (order > 0) this.lastSent = { ts: line.ts, textsAtTs: [line.text] };
    else if (order === 0) this.lastSent!.textsAtTs.push(line.text);
  }

  private pauseUntilDrained(stream: Readable, generation: number): void {
    if (this.cancelDrainWait) return;
    stream.pause();
    this.cancelDrainWait = this.options.sink.onceDrained(() => {
      this.cancelDrainWait = undefined;
      if (generation === this.generation) stream.resume();
    });
  }

  private scheduleRecheck(): void {
    clearTimeout(this.recheckTimer);
    const base = this.options.recheckDelayMs ?? DEFAULT_RECHECK_DELAY_MS;
    this.recheckTimer = setTimeout(() => this.recheck(), base * 2 ** Math.min(this.unproductiveStreams, MAX_BACKOFF_DOUBLINGS));
  }

  private get label(): string {
    return this.options.containerId.slice(0, 12);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
