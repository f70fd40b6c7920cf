/**
 * One pass of a regular expression over lines, as the regex worker runs it (regex-worker.ts) and
 * the page asks for it (regex-runner.ts). Pure: the worker is only its transport.
 */
import { regexMatches, type MatchRange } from './line-filter';

export interface RegexPassRequest {
  readonly id: number;
  readonly source: string;
  readonly flags: string;
  /** Texts to test: does the pattern match anywhere? */
  readonly tests: readonly string[];
  /** Texts to find the matches of, for highlighting. */
  readonly highlights: readonly string[];
}

export interface RegexPassReply {
  readonly id: number;
  readonly matched: readonly boolean[];
  readonly ranges: readonly (readonly MatchRange[])[];
}

export function runRegexPass(request: RegexPassRequest): RegexPassReply {
  const re = new RegExp(request.source, request.flags.replace('g', ''));
  const global = new RegExp(request.source, `${re.flags}g`);
  return {
    id: request.id,
    matched: request.tests.map((text) => re.test(text)),
    ranges: request.highlights.map((text) => regexMatches(text, global)),
  };
}
