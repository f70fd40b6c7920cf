/**
 * What a host's status report (agent.status, on the host) says in words. Pure.
 *
 * The lag shows only when it matters (5 s and more: lines are reaching viewers late); skips show
 * as one total with the reasons in the title, "+" when some marker could only give a lower bound.
 */
import type { ReportedStatus, SkipReason } from '../../../protocol';

/** Below this the agent is up to date: no badge. */
export const LAG_SHOWN_FROM_MS = 5_000;

const REASONS: Record<SkipReason, string> = {
  catch_up: 'skipped while nobody watched',
  rotated: "lost to Docker's log rotation",
  refused: 'refused by the cloud',
};

const count = new Intl.NumberFormat('en-US');

/** "12 s", "4 min", "2 h 5 min". */
export function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** "behind 12 s" when the oldest undelivered line is that old, else undefined. */
export function lagLabel(status: ReportedStatus): string | undefined {
  return status.lagMs >= LAG_SHOWN_FROM_MS ? `behind ${durationText(status.lagMs)}` : undefined;
}

export interface SkipSummary {
  /** e.g. "skipped 99,040+" */
  readonly text: string;
  /** One line per reason, e.g. "99,000+ lines skipped while nobody watched (1 marker)". */
  readonly title: string;
}

export function skipSummary(status: ReportedStatus, reportedAt = status.observedAt): SkipSummary | undefined {
  const reasons = (Object.keys(REASONS) as SkipReason[]).flatMap((reason) => {
    const skip = status.skipped[reason];
    return skip && skip.markers > 0 ? [{ reason, ...skip }] : [];
  });
  if (reasons.length === 0) return undefined;
  const lines = reasons.reduce((sum, r) => sum + r.lines, 0);
  const atLeast = reasons.some((r) => r.atLeast);
  const detail = reasons.map(
    (r) => `${count.format(r.lines)}${r.atLeast ? '+' : ''} lines ${REASONS[r.reason]} (${r.markers} marker${r.markers === 1 ? '' : 's'})`,
  );
  const since = `since the agent started at ${new Date(status.since).toISOString()}; reported ${new Date(reportedAt).toISOString()}`;
  return { text: `skipped ${count.format(lines)}${atLeast ? '+' : ''}`, title: [...detail, since].join('\n') };
}
