/**
 * What LogLine renders: the line's ANSI-styled runs, cut where filter matches begin and end,
 * so a match can be highlighted without losing its colours. Each segment becomes a text node.
 * The matches are found in the text without escapes (what the filter tested): a substring query
 * (case-insensitive) or the compiled filter's matcher (state/line-filter.ts).
 */
import { parseAnsi, type AnsiStyle } from './ansi';
import { findMatches, type TextMatcher } from '../state/line-filter';

export interface LineSegment {
  readonly text: string;
  readonly style: AnsiStyle;
  readonly match: boolean;
}

export function lineSegments(text: string, highlight: string | TextMatcher | undefined): LineSegment[] {
  const runs = parseAnsi(text);
  const plain = runs.map((run) => run.text).join('');
  const matches = highlight === undefined ? [] : typeof highlight === 'string' ? findMatches(plain, highlight) : highlight(plain);
  const segments: LineSegment[] = [];
  let offset = 0;
  let m = 0;
  for (const run of runs) {
    const runEnd = offset + run.text.length;
    let at = offset;
    while (at < runEnd) {
      while (m < matches.length && matches[m]![1] <= at) m += 1;
      const current = matches[m];
      const inMatch = current !== undefined && current[0] <= at;
      const cut = inMatch ? Math.min(current[1], runEnd) : Math.min(current?.[0] ?? runEnd, runEnd);
      segments.push({ text: plain.slice(at, cut), style: run.style, match: inMatch });
      at = cut;
    }
    offset = runEnd;
  }
  return segments;
}
