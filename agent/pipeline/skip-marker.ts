/**
 * The one place a skip marker line is built: a log line the agent writes where it could not
 * deliver lines, so that a skip is never silent (docs/reliability.md). The caller numbers it like
 * any other line. Its `ts` is `to` (the last skipped line's, or the end of the lost span), its
 * stream stdout, and its `text` says in words what `skipped` says in fields, for plain-text
 * consumers and filters.
 */
import type { LogLine, SkippedLines, SkipReason } from '../../protocol';

export type SkipMarkerLine = Omit<LogLine, 'seq'> & { readonly skipped: SkippedLines };

const WHY: Record<SkipReason, string> = {
  catch_up: 'the container went unwatched; only the newest lines were sent',
  rotated: "Docker's log rotation removed them before they could be read",
  refused: 'the cloud refused them for good',
};

export function skipMarker(skipped: SkippedLines): SkipMarkerLine {
  const { reason, lines, atLeast, from, to } = skipped;
  const count = lines === undefined ? 'Lines' : `${atLeast ? 'At least ' : ''}${lines} line${lines === 1 ? '' : 's'}`;
  const span = from === to ? `at ${from}` : `between ${from} and ${to}`;
  const text = `[sidetail] ${count} skipped ${span}: ${WHY[reason]}.`;
  return {
    ts: to,
    stream: 'stdout',
    text,
    skipped: {
      reason,
      ...(lines !== undefined ? { lines } : {}),
      ...(atLeast ? { atLeast: true as const } : {}),
      from,
      to,
    },
  };
}
