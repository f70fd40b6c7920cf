/**
 * What LogLine renders: the line's ANSI-styled runs, cut where filter matches begin and end,
 * so a match can be highlighted without losing its colours. Each segment becomes a text node.
 */
import { parseAnsi, type AnsiStyle } from './ansi';
import { findMatches } from '../state/line-filter';

export interface LineSegment {
  readonly text: string;
  readonly style: AnsiStyle;
  readonly match: boolean;
}

export function lineSegments(text: string, query: string): LineSegment[] {
  const runs = parseAnsi(text);
  const plain = runs.map((run) => run.text).join('');
  const matches = findMatches(plain, query);
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
