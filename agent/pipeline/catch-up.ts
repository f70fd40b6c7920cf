/**
 * The first lines of a stream started with a resume point (the container went unwatched): the
 * follow asks Docker for the newest `tail + 1` lines not older than the resume point. Either that
 * window reaches back to lines already sent, and nothing was skipped; or it does not, and the
 * lines between the resume point and the window were skipped: the viewer gets one counted
 * `catch_up` marker for them, then the newest `tail` lines (the buffer's size), then live lines.
 *
 *  - A line the resume filter drops (one already sent) proves the window reaches back: every
 *    later line is passed on as it comes.
 *  - Otherwise the lines between the resume point and the first line passed are counted
 *    (`count`, within its time budget) while the following lines wait. None: that first line
 *    follows the resume point directly (the window was short, or empty and it is a live line),
 *    and everything goes on. Some: the window was full (`tail + 1` new lines), so its oldest line
 *    is skipped too — `tail` lines follow the marker, and the marker's `to` is a line Docker
 *    holds — and the marker goes first, counting them all (`atLeast` when the count ran out of
 *    time). Not one counted in time: nothing proves a skip, so the first line is sent, behind a
 *    marker saying that lines may be missing before it, uncounted (`lines: 0`, `atLeast`).
 *  - The resume point itself: a caller's resume point is Docker's `since`, inclusive: the
 *    resume filter drops the lines stamped exactly resume.ts that were sent (by text), in the
 *    follow and in the count alike.
 *
 * Holding is bounded: past `tail + 1` held lines the follower pauses its Docker stream (`isFull`)
 * until `onReleased`, and Docker keeps the rest. The held lines go on one at a time, each only
 * while the sink has room (`isCongested`, `drained`): a whole window poured in at once would go
 * far past the memory bound. Lines that come meanwhile join the held ones, so the order holds.
 */
import type { LogLine } from '../../protocol';
import type { FramedLine } from './line-framer';
import { lineObjectBytes } from '../transport/memory-budget';
import { skipMarker } from './skip-marker';

/** What countSkippedLines (agent/docker/skipped-line-count.ts) found between the resume point and the window. */
export interface SkipCount {
  readonly before: number;
  readonly exact: boolean;
  readonly first?: string;
  /** Docker no longer held the resume point's line: rotation removed lines the count cannot know. */
  readonly rotated?: boolean;
}

export interface CatchUpOptions {
  /** How many lines the catch-up sends at most (log.stream.start's tail; the follow asks Docker for one more). */
  readonly tail: number;
  /** The resume point's ts: the lower bound of an uncounted span. */
  readonly resumeTs: string;
  /** Counts the lines between the resume point and `first` (the first line passed); `after` are the lines held so far; `signal` aborts on cancel. */
  readonly count: (first: FramedLine, after: () => readonly FramedLine[], signal: AbortSignal) => Promise<SkipCount>;
  /** Where lines go on: numbered, remembered, batched. */
  readonly line: (line: FramedLine) => void;
  /** The marker, numbered before the lines after it; `skipped` is the window's oldest line when it is skipped too (remember it as sent). */
  readonly marker: (marker: Omit<LogLine, 'seq'>, skipped: FramedLine | undefined) => void;
  /** The held lines have gone: the follower resumes its Docker stream if it paused it. */
  readonly onReleased?: () => void;
  /** True while the sink holds more than it wants: the release waits for `drained`. */
  readonly isCongested?: () => boolean;
  /** Resolves when the sink has room again, or once `signal` aborts (the catch-up was cancelled). */
  readonly drained?: (signal: AbortSignal) => Promise<void>;
}

export type CatchUpState = 'waiting' | 'counting' | 'releasing' | 'done' | 'cancelled';

export class CatchUp {
  private currentState: CatchUpState = 'waiting';
  private held: FramedLine[] = [];
  private heldTextBytes = 0;
  private settled: Promise<void> = Promise.resolve();
  /** Aborted by cancel(): ends the count in flight and any wait for the sink's room. */
  private readonly abort = new AbortController();

  constructor(private readonly options: CatchUpOptions) {}

  get state(): CatchUpState {
    return this.currentState;
  }

  /** Resolves once the count is over and the held lines have gone (or at once when nothing is counted). */
  get released(): Promise<void> {
    return this.settled;
  }

  /** What the lines held while counting cost (their texts, and the object around each), for the memory bound. */
  get heldBytes(): number {
    return this.heldTextBytes;
  }

  /** Counting, or releasing what it held: lines that come now are held, and the catch-up is not over. */
  get busy(): boolean {
    return this.currentState === 'counting' || this.currentState === 'releasing';
  }

  /** True while the follower should pause its stream: a whole window held, or the held lines still going. */
  isFull(): boolean {
    return (this.currentState === 'counting' && this.held.length > this.options.tail) || this.currentState === 'releasing';
  }

  /** The resume filter dropped a line already sent: the window reached back, nothing was skipped. */
  dropped(): void {
    if (this.currentState === 'waiting') this.currentState = 'done';
  }

  /** A line the resume filter passed. */
  accept(line: FramedLine): void {
    switch (this.currentState) {
      case 'done':
        return this.options.line(line);
      case 'counting':
      case 'releasing':
        this.held.push(line);
        this.heldTextBytes += lineObjectBytes(line.text);
        return;
      case 'waiting':
        // Held for as long as its count takes (up to the budget): counted like the lines after it.
        this.heldTextBytes += lineObjectBytes(line.text);
        this.currentState = 'counting';
        this.settled = this.countAndRelease(line);
        return;
      case 'cancelled':
        return;
    }
  }

  /** The stream failed or was stopped: nothing held is sent (the next follow starts the catch-up over). */
  cancel(): void {
    if (this.currentState === 'done') return;
    this.currentState = 'cancelled';
    this.held = [];
    this.heldTextBytes = 0;
    this.abort.abort();
  }

  private async countAndRelease(first: FramedLine): Promise<void> {
    let count: SkipCount;
    try {
      count = await this.options.count(first, () => this.held, this.abort.signal);
    } catch {
      count = { before: 0, exact: false };
    }
    if (this.currentState !== 'counting') return;
    this.currentState = 'releasing';
    // The first line goes now, skipped or on: the batch it joins counts it from here.
    this.heldTextBytes -= lineObjectBytes(first.text);
    if (count.rotated) {
      this.options.marker(skipMarker({ reason: 'rotated', from: this.options.resumeTs, to: count.first ?? first.ts }), undefined);
    }
    if (count.before > 0) {
      const lines = count.before + 1;
      this.options.marker(
        skipMarker({ reason: 'catch_up', lines, ...(count.exact ? {} : { atLeast: true }), from: count.first!, to: first.ts }),
        first,
      );
    } else {
      if (!count.exact) this.options.marker(skipMarker({ reason: 'catch_up', lines: 0, atLeast: true, from: this.options.resumeTs, to: first.ts }), undefined);
      this.options.line(first);
    }
    while (this.held.length > 0) {
      if (this.options.isCongested?.() && this.options.drained) {
        await this.options.drained(this.abort.signal);
        if (this.currentState !== 'releasing') return;
        continue;
      }
      const line = this.held.shift()!;
      this.heldTextBytes -= lineObjectBytes(line.text);
      this.options.line(line);
    }
    this.currentState = 'done';
    this.options.onReleased?.();
  }
}
