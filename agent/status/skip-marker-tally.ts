/**
 * The agent's own account of what it skipped: the lines in the skip markers it sent (protocol
 * LogLine.skipped), per reason, since the process started — what agent.status reports.
 *
 * Counted as batches go out on the connection, so a marker made anywhere (catch-up, rotation,
 * a batch refused for good) is counted; a batch sent again (after a drop, a timeout, API
 * Gateway's refusal) carries the same markers, which are counted once.
 */
import type { AgentLogBatch, ReportedStatus, SkipCount, SkipReason } from '../../protocol';

/** Markers remembered per container to recognise a resend; markers are rare, so this is plenty. */
const REMEMBERED_PER_CONTAINER = 256;

export class SkipMarkerTally {
  private readonly totals = new Map<SkipReason, { markers: number; lines: number; atLeast: boolean }>();
  /** Per container, the markers counted (epoch, seq, reason), oldest first. */
  private readonly counted = new Map<string, Set<string>>();

  /** A batch went out on the connection. */
  sent(batch: AgentLogBatch): void {
    for (const line of batch.lines) {
      const skipped = line.skipped;
      if (!skipped) continue;
      let seen = this.counted.get(batch.containerId);
      if (!seen) this.counted.set(batch.containerId, (seen = new Set()));
      const key = `${batch.epoch}:${line.seq}:${skipped.reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > REMEMBERED_PER_CONTAINER) seen.delete(seen.values().next().value!);
      const total = this.totals.get(skipped.reason) ?? { markers: 0, lines: 0, atLeast: false };
      total.markers += 1;
      total.lines += skipped.lines ?? 0;
      // No count (Docker no longer held the lines) or a lower bound: more were skipped than counted.
      if (skipped.lines === undefined || skipped.atLeast) total.atLeast = true;
      this.totals.set(skipped.reason, total);
    }
  }

  snapshot(): ReportedStatus['skipped'] {
    const skipped: { -readonly [R in SkipReason]?: SkipCount } = {};
    for (const [reason, total] of this.totals) {
      skipped[reason] = { markers: total.markers, lines: total.lines, ...(total.atLeast ? { atLeast: true as const } : {}) };
    }
    return skipped;
  }
}
