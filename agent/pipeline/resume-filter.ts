/**
 * Drops the lines a resumed follow repeats. Docker's `since` is inclusive, so following from
 * `resume.ts` returns again the lines stamped exactly `resume.ts` that the cloud already holds.
 *
 * The rule (never by count — a count goes wrong as soon as Docker's view and the cloud's differ):
 *  - a line older than `resume.ts` is dropped;
 *  - a line stamped exactly `resume.ts` is dropped if its text is one of `textsAtTs`, and that
 *    text is then used up (the texts are a multiset: two equal lines at one instant are two);
 *  - everything else passes.
 * Timestamps are compared to the nanosecond (`compareToTimestamp`), never through Date.
 */
import { compareToTimestamp, type ResumePoint } from '../../protocol';

export class ResumeFilter {
  private readonly remainingAtTs = new Map<string, number>();
  /** Every line is compared with the same resume.ts: it is checked and parsed once. */
  private readonly compareToResume: (ts: string) => number;

  constructor(resume: Pick<ResumePoint, 'ts' | 'textsAtTs'>) {
    this.compareToResume = compareToTimestamp(resume.ts);
    for (const text of resume.textsAtTs) this.remainingAtTs.set(text, (this.remainingAtTs.get(text) ?? 0) + 1);
  }

  accepts(line: { readonly ts: string; readonly text: string }): boolean {
    const order = this.compareToResume(line.ts);
    if (order < 0) return false;
    if (order > 0) return true;
    const remaining = this.remainingAtTs.get(line.text) ?? 0;
    if (remaining === 0) return true;
    this.remainingAtTs.set(line.text, remaining - 1);
    return false;
  }
}
