/**
 * The agent's own account of what it skipped: the lines in the skip markers (protocol
 * LogLine.skipped) the cloud acknowledged, per reason, since the process started — what
 * agent.status reports. Counted at the ack, which comes once per batch, so a batch sent again
 * (after a drop, a timeout, API Gateway's refusal) is counted once; a marker made anywhere
 * (catch-up, rotation, a batch refused for good) passes through delivery.
 */
import type { ReportedStatus, SkipCount, SkipReason } from '../../protocol';
import type { LineBatch } from '../pipeline/line-batch';

export class SkipMarkerTally {
  private readonly totals = new Map<SkipReason, { markers: number; lines: number; atLeast: boolean }>();

  /** The cloud acknowledged this batch. */
  acknowledged(batch: LineBatch): void {
    for (const line of batch.lines) {
      const skipped = line.skipped;
      if (!skipped) continue;
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
