/**
 * What a skip marker says, from its `skipped` field (never from its text, which is the agent's
 * plain-text rendering): how many lines, why, and between which times. Text only.
 */
import type { SkippedLines } from '../../../protocol';
import type { LogTimeFormat } from './log-time';

const count = new Intl.NumberFormat();

const WHY: Record<SkippedLines['reason'], string> = {
  catch_up: 'skipped while nobody watched',
  rotated: "lost: Docker's log rotation removed them before they were read",
  refused: 'refused by the cloud',
};

/** Why, at length: the tooltip. */
const EXPLAIN: Record<SkippedLines['reason'], string> = {
  catch_up: 'The container wrote more than the cloud keeps while nobody watched: only its newest lines were sent. They are still in its Docker log.',
  rotated: "Docker's log rotation removed these lines before the agent could read them (see docs/reliability.md).",
  refused: 'The cloud refused these lines for good; the agent sent this marker in their place.',
};

export interface SkipText {
  /** "99,064 lines skipped while nobody watched" */
  readonly summary: string;
  /** "10:00:01.123 – 12:13:07.999" in the viewer's time. */
  readonly span: string;
  readonly explanation: string;
}

export function skipText(skipped: SkippedLines, time: LogTimeFormat): SkipText {
  const span = `${time.format(skipped.from)} – ${time.format(skipped.to)}`;
  const why = WHY[skipped.reason];
  const explanation = EXPLAIN[skipped.reason];
  const { lines, atLeast } = skipped;
  if (lines === undefined) return { summary: `Lines ${why}`, span, explanation };
  // At least none: counting found nothing in time, so lines may be missing here, or none.
  if (atLeast && lines === 0) return { summary: `Lines may have been ${why} (not counted in time)`, span, explanation };
  const noun = lines === 1 && !atLeast ? 'line' : 'lines';
  return { summary: `${atLeast ? 'At least ' : ''}${count.format(lines)} ${noun} ${why}`, span, explanation };
}
