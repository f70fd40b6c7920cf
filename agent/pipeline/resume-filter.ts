/**
 * Drops the lines a resumed follow repeats. Docker's `since` is inclusive, so following from
 * `resume.ts` returns again the lines stamped exactly `resume.ts` that the cloud already holds.
 *
 * The rule (never by count — a count goes wrong as soon as Docker's view and the cloud's differ):
 *  - a line older than `resume.ts` is dropped only until the first line at or after `resume.ts`;
 *  - a line stamped exactly `resume.ts` is dropped if its text is one of `textsAtTs`, and that
 *    text is then used up (the texts are a multiset: two equal lines at one instant are two);
 *  - everything else passes.
 *
 * Why older lines pass after that first line: log timestamps are not monotonic (a backward clock
 * step, or NTP slewing after one), and Docker's own `since` knows it — it skips entries only until
 * the first one at or after `since`, then sends every later entry whatever its stamp. Those later
 * lines come after the resume point in the log, so they are new: dropping them for their stamp
 * would hide every line until the clock caught up. The price, when the newest lines sent before
 * the resume were themselves stamped before `resume.ts` (sent after such a step, or the rest of a
 * line joined from 16 KB pieces that started earlier), is that they come again: a duplicate,
 * never a loss — as for texts beyond MAX_RESUME_TEXTS_BYTES.
 * Timestamps are compared to the nanosecond (`compareToTimestamp`), never through Date.
 *
 * Skip markers: the filter only ever sees Docker's lines, and `textsAtTs` only ever holds real
 * lines' texts (find-resume-point leaves markers out), so a marker's human text is never matched
 * against a line. A resume point that is a marker (its seq and ts, no texts) drops nothing at ts.
 */
import { compareToTimestamp, type ResumePoint } from '../../protocol';

export class ResumeFilter {
  private readonly remainingAtTs = new Map<string, number>();
  /** Every line is compared with the same resume.ts: it is checked and parsed once. */
  private readonly compareToResume: (ts: string) => number;
  /** A line at or after resume.ts has come: Docker's `since` filter is over, and so is ours by age. */
  private reachedResumePoint = false;
  /** Texts at resume.ts not yet dropped: the multiset's size. */
  private textsLeft: number;

  constructor(resume: Pick<ResumePoint, 'ts' | 'textsAtTs'>) {
    this.compareToResume = compareToTimestamp(resume.ts);
    for (const text of resume.textsAtTs) this.remainingAtTs.set(text, (this.remainingAtTs.get(text) ?? 0) + 1);
    this.textsLeft = resume.textsAtTs.length;
  }

  accepts(line: { readonly ts: string; readonly text: string }): boolean {
    // Past the resume point with every repeat dropped, nothing is filtered any more: skip the comparison (it runs for every line).
    if (this.reachedResumePoint && this.textsLeft === 0) return true;
    const order = this.compareToResume(line.ts);
    if (order < 0) return this.reachedResumePoint;
    this.reachedResumePoint = true;
    if (order > 0) return true;
    const remaining = this.remainingAtTs.get(line.text) ?? 0;
    if (remaining === 0) return true;
    this.remainingAtTs.set(line.text, remaining - 1);
    this.textsLeft -= 1;
    return false;
  }
}
