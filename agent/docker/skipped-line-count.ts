/**
 * Counts the lines a catch-up skips: those Docker holds between the resume point and the first
 * line the catch-up sends — read once, without following, within a time budget.
 *
 * The span is read as Docker's `since` = resume.ts, `until` = the ts of `last`, the oldest line of
 * the tail window. Both bounds are
 * inclusive, so the read brings, besides the skipped lines:
 *  - the lines stamped exactly resume.ts that were sent already: a ResumeFilter drops them by text,
 *    exactly as in the follow (never by count);
 *  - `last` itself and the window's lines after it up to the first one stamped later than `last`
 *    (Docker ends the read at the first entry after `until`): `run`, the window's leading lines
 *    stamped at or before `last.ts`, which the read must end with. When it does, the count is
 *    exact; when it does not (a clock stepped back inside the span ended Docker's read early, or
 *    the log changed between the two reads) the count is a lower bound.
 *
 * Docker reads a json-file log from its start to reach `since`, then sends every entry; on a
 * loaded 2-core machine that was about 85,000 lines a second once past the resume point, and
 * 4.5 s merely to pass a million older lines (docs/reliability.md). So the count stops at its
 * budget and says how far it got: `atLeast`.
 *
 * The same read shows whether rotation removed lines after the resume point (its line did not
 * come back): those are in no count, so the catch-up puts a `rotated` marker for them.
 */
import { compareTimestamps, type ResumePoint } from '../../protocol';
import { LineFramer, type FramedLine } from '../pipeline/line-framer';
import { ResumeFilter } from '../pipeline/resume-filter';
import { RotationCheck } from '../pipeline/rotation-check';
import type { ContainerSource } from './container-source';
import { FrameDemuxer } from './frame-demuxer';

export interface SkippedLineCountRequest {
  readonly source: ContainerSource;
  readonly containerId: string;
  readonly resume: Pick<ResumePoint, 'ts' | 'textsAtTs'>;
  /** The oldest line of the tail window: the span ends before it. */
  readonly last: { readonly ts: string; readonly text: string };
  /** The window's lines after `last`, as received so far (the run stamped at or before last.ts is at its head). */
  readonly after: () => readonly { readonly ts: string; readonly text: string }[];
  readonly budgetMs: number;
  /** Aborted when the catch-up is cancelled: the read stops at once. */
  readonly signal?: AbortSignal;
}

export interface SkippedLineCount {
  /** Lines Docker holds between the resume point and `last`. */
  readonly before: number;
  /** False when `before` is a lower bound: the budget ran out, the read failed or did not end as expected. */
  readonly exact: boolean;
  /** The first of them's timestamp, when one was read. */
  readonly first?: string;
  /**
   * The read's first line at or after the resume point is stamped later than it: Docker's log no
   * longer holds the resume point's line, so rotation removed lines after it (rotation-check.ts).
   */
  readonly rotated?: true;
}

export async function countSkippedLines(request: SkippedLineCountRequest): Promise<SkippedLineCount> {
  const { source, containerId, resume, last, budgetMs } = request;
  const abort = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
      resolve();
    }, budgetMs);
    // A cancelled catch-up has no use for the count: the read stops now, not at the budget's end.
    const cancel = () => {
      abort.abort();
      resolve();
    };
    if (request.signal?.aborted) cancel();
    else request.signal?.addEventListener('abort', cancel, { once: true });
  });

  const filter = new ResumeFilter(resume);
  const rotation = new RotationCheck(resume.ts);
  let rotated = false;
  let read = 0;
  let first: string | undefined;
  let newest: { ts: string; text: string } | undefined;
  /** Lines read before the first one equal to `last` (for a lower bound; undefined until it is met). */
  let beforeLast: number | undefined;
  let ended = false;
  const onLine = (line: FramedLine) => {
    if (rotation.inspect(line)) rotated = true;
    if (!filter.accepts(line)) return;
    read += 1;
    first ??= line.ts;
    newest = line;
    if (beforeLast === undefined && line.text === last.text && compareTimestamps(line.ts, last.ts) === 0) beforeLast = read - 1;
  };

  const reading = (async () => {
    const span = await source.follow(containerId, { from: { since: resume.ts }, until: last.ts, signal: abort.signal });
    const framer = new LineFramer({ mode: span.mode, onLine });
    const demuxer = new FrameDemuxer(span.mode, { piece: (p) => framer.push(p.stream, p.payload, p.frameEnd), systemError: () => {} });
    await new Promise<void>((resolve, reject) => {
      if (timedOut) span.stream.destroy();
      abort.signal.addEventListener('abort', () => span.stream.destroy(), { once: true });
      span.stream.on('data', (chunk: Buffer) => {
        try {
          demuxer.push(chunk);
        } catch (err) {
          // Not Docker's format: thrown from here it would be uncaught and end the agent. What was
          // counted before it stands, as a lower bound.
          span.stream.destroy();
          reject(err);
        }
      });
      span.stream.once('end', () => {
        demuxer.end();
        framer.end();
        ended = true;
        resolve();
      });
      span.stream.once('error', reject);
      span.stream.once('close', () => resolve());
    });
  })().catch(() => {
    // A failed read leaves a lower bound: what was counted before it failed.
  });

  await Promise.race([reading, budget]);
  clearTimeout(timer);
  abort.abort();

  if (ended && !timedOut) {
    const run = [last, ...request.after()];
    let k = 0;
    while (k < run.length && compareTimestamps(run[k]!.ts, last.ts) <= 0) k += 1;
    const endOfRun = run[k - 1]!;
    if (read >= k && newest && newest.text === endOfRun.text && compareTimestamps(newest.ts, endOfRun.ts) === 0) {
      return { ...(read > k ? { before: read - k, exact: true, first: first! } : { before: 0, exact: true }), ...(rotated ? { rotated } : {}) };
    }
  }
  const counted = beforeLast ?? read;
  return { ...(counted > 0 ? { before: counted, exact: false, first: first! } : { before: 0, exact: false }), ...(rotated ? { rotated } : {}) };
}
