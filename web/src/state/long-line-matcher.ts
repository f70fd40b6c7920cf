/**
 * The answers of the regex worker for one pattern: which long lines match, and where (for
 * highlighting). A line asked about is answered undefined at first and queued; the queue goes to
 * the worker in one pass (on a microtask, so a whole filter pass is one message), and `onChange`
 * says when answers arrived, so the filter is compiled again and the rows filtered with them.
 * A pass that runs over the budget ends the pattern: `onStopped` gets the message to show.
 */
import type { LineRow } from './line-buffer';
import type { LongLineMatcher, MatchRange } from './line-filter';
import type { RegexRunner } from './regex-runner';

/** Text sent in one pass, at most: a pass over a few MB of text is far inside the budget for a sane pattern. */
const PASS_CHARS = 4 * 1024 * 1024;
/**
 * Text whose highlights are kept per pattern, the oldest let go of first. The texts are the rows'
 * own strings (kept here, not copied), so the bound is on what outlives its rows; it holds more
 * than a screen of the longest lines (~40 rows of 256 KB without wrapping): were the lines on
 * screen to pass it, each answer would drop highlights they ask for again, without end.
 */
const KEPT_HIGHLIGHT_CHARS = 64 * 1024 * 1024;

export interface LongLineMatcherHandle extends LongLineMatcher {
  /** The pattern is no longer used: its pass in flight is stopped, answers are ignored. */
  dispose(): void;
}

export interface LongLineMatcherEvents {
  onChange(): void;
  onStopped(message: string): void;
}

export function createLongLineMatcher(runner: RegexRunner, re: RegExp, events: LongLineMatcherEvents): LongLineMatcherHandle {
  const verdicts = new WeakMap<LineRow, boolean>();
  const asked = new WeakSet<LineRow>();
  let tests: LineRow[] = [];
  const ranges = new Map<string, MatchRange[]>();
  let rangesChars = 0;
  const rangesAsked = new Set<string>();
  let highlights: string[] = [];
  let scheduled = false;
  let running = false;
  let ended = false;

  const schedule = () => {
    if (scheduled || running || ended) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      void pass();
    });
  };

  const take = <T>(queue: T[], length: (item: T) => number, budget: number): [T[], T[], number] => {
    let used = 0;
    let count = 0;
    // At least one, however long: a line is at most the agent's cap.
    while (count < queue.length && (count === 0 || used + length(queue[count]!) <= budget)) used += length(queue[count++]!);
    return [queue.slice(0, count), queue.slice(count), used];
  };

  async function pass(): Promise<void> {
    if (ended || (tests.length === 0 && highlights.length === 0)) return;
    const [rows, restRows, used] = take(tests, (row) => row.plain.length, PASS_CHARS);
    const [texts, restTexts] = take(highlights, (text) => text.length, Math.max(0, PASS_CHARS - used));
    tests = restRows;
    highlights = restTexts;
    running = true;
    const outcome = await runner.run({ source: re.source, flags: re.flags, tests: rows.map((row) => row.plain), highlights: texts });
    running = false;
    if (ended) return;
    if (outcome.kind === 'cancelled') return;
    if (outcome.kind !== 'done') {
      ended = true;
      const longest = Math.max(0, ...rows.map((row) => row.plain.length), ...texts.map((text) => text.length));
      events.onStopped(
        outcome.kind === 'timeout'
          ? `This pattern takes too long (over ${(outcome.budgetMs / 1000).toFixed(1)} s on lines of up to ${longest.toLocaleString('en')} characters); the filter is off until it changes.`
          : `This pattern could not be tested (${outcome.message}); the filter is off until it changes.`,
      );
      return;
    }
    rows.forEach((row, i) => verdicts.set(row, outcome.reply.matched[i] === true));
    texts.forEach((text, i) => {
      if (!ranges.has(text)) rangesChars += text.length;
      ranges.set(text, [...(outcome.reply.ranges[i] ?? [])]);
      rangesAsked.delete(text);
    });
    for (const [text] of ranges) {
      if (rangesChars <= KEPT_HIGHLIGHT_CHARS) break;
      ranges.delete(text);
      rangesChars -= text.length;
    }
    events.onChange();
    schedule();
  }

  return {
    test(row) {
      const known = verdicts.get(row);
      if (known !== undefined || ended) return known;
      if (!asked.has(row)) {
        asked.add(row);
        tests.push(row);
        schedule();
      }
      return undefined;
    },
    ranges(text) {
      const known = ranges.get(text);
      if (known !== undefined || ended) return known;
      if (!rangesAsked.has(text)) {
        rangesAsked.add(text);
        highlights.push(text);
        schedule();
      }
      return undefined;
    },
    dispose() {
      if (ended) return;
      ended = true;
      if (running) runner.cancel();
    },
  };
}
