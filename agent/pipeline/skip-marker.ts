/**
 * The one place a skip marker is built: a log line standing where the agent could not deliver
 * lines, so that a skip is never silent (docs/reliability.md). It is numbered, batched, stored and
 * broadcast like any line; viewers render it from `skipped`, and `text` says the same in words for
 * plain-text consumers. Its `ts` is `to` (the last skipped line's), so it sorts where the skipped
 * lines were; its stream is `stdout`.
 */
import { parseTimestamp, type LogLine, type SkippedLines, type SkipReason } from '../../protocol';

/** A marker line before it is numbered: `skipped` is always there. */
export type SkipMarkerLine = Omit<LogLine, 'seq'> & { readonly skipped: SkippedLines };

export interface SkipMarkerInput {
  readonly reason: SkipReason;
  /** How many lines were skipped; absent when they could not be counted (Docker no longer has them). */
  readonly lines?: number;
  /** `lines` is a lower bound: counting stopped before the end of the span. */
  readonly atLeast?: boolean;
  /** Docker timestamps of the first and last skipped line (or the bounds of the span). */
  readonly from: string;
  readonly to: string;
}

const WHY: Record<SkipReason, string> = {
  catch_up: 'skipped while nobody watched',
  rotated: "lost: Docker's log rotation removed them before they were read",
  refused: 'refused by the cloud for good',
};

const count = new Intl.NumberFormat('en-US');

export function skipMarker(input: SkipMarkerInput): SkipMarkerLine {
  const { reason, lines, from, to } = input;
  const atLeast = input.atLeast === true && lines !== undefined;
  const skipped = {
    reason,
    ...(lines !== undefined ? { lines } : {}),
    ...(atLeast ? { atLeast: true as const } : {}),
    from,
    to,
  };
  return { ts: to, stream: 'stdout', text: markerText(reason, lines, atLeast, from, to), skipped };
}

function markerText(reason: SkipReason, lines: number | undefined, atLeast: boolean, from: string, to: string): string {
  // Zero at least: counting found nothing in time, so there may be lines here, or none.
  if (atLeast && lines === 0) return `— lines may have been ${WHY[reason]}, uncounted (${span(from, to)}) —`;
  const howMany =
    lines === undefined ? 'lines' : `${atLeast ? 'at least ' : ''}${count.format(lines)} ${lines === 1 && !atLeast ? 'line' : 'lines'}`;
  return `— ${howMany} ${WHY[reason]} (${span(from, to)}) —`;
}

/** UTC times to the second (whole seconds from the exact parse: no rounding up); the date only when the span crosses midnight. */
function span(from: string, to: string): string {
  const utc = (ts: string) => new Date(parseTimestamp(ts).seconds * 1000).toISOString();
  const day = (ts: string) => utc(ts).slice(0, 10);
  const time = (ts: string) => utc(ts).slice(11, 19);
  if (day(from) === day(to)) return `${time(from)} – ${time(to)} UTC`;
  return `${day(from)} ${time(from)} – ${day(to)} ${time(to)} UTC`;
}
