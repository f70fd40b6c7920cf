/**
 * Notices that Docker's log rotation removed lines a follow would have resumed with.
 *
 * A follow that resumes with `since` = the timestamp of the last line delivered asks for that
 * line again: `since` is inclusive, and the line is still in Docker's log unless rotation
 * (`max-size`, `max-file`) removed it — while the agent was paused behind a stalled cloud, or away
 * between two follows. Docker skips entries until the first one at or after `since`, so the first
 * line it sends at or after that point is stamped exactly `since` when the resume line is still
 * there. A later stamp means the log no longer reaches back that far: the lines between may be
 * lost, and how many cannot be known. The check then yields a `rotated` skip marker bounding the
 * lost span (from the resume point to that first line), to be numbered just before it.
 *
 * Only the first line at or after the resume point is examined; lines stamped before it (Docker
 * rounds nothing, but a clock stepped back may stamp them so) are not evidence either way.
 */
import { compareToTimestamp } from '../../protocol';
import { skipMarker, type SkipMarkerLine } from './skip-marker';

export class RotationCheck {
  private readonly compareToResume: (ts: string) => number;
  private done = false;

  constructor(private readonly resumeTs: string) {
    this.compareToResume = compareToTimestamp(resumeTs);
  }

  /** The marker to put before `line`, when `line` shows that Docker lost lines after the resume point. */
  inspect(line: { readonly ts: string }): SkipMarkerLine | undefined {
    if (this.done) return undefined;
    const order = this.compareToResume(line.ts);
    if (order < 0) return undefined;
    this.done = true;
    if (order === 0) return undefined;
    return skipMarker({ reason: 'rotated', from: this.resumeTs, to: line.ts });
  }
}
