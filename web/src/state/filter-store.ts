/**
 * The log filter (state/line-filter.ts): the query and how it is read (substring or regular
 * expression, case, inverted), the stream, and the hidden levels. `compiled` compiles it once per
 * change, however many components read it — and again when the regex worker answers about long
 * lines (state/long-line-matcher.ts), or stops a pattern that takes too long.
 */
import { createSignal, untrack, type Accessor } from 'solid-js';
import { compileFilter, type CompiledFilter, type LevelChoice, type LineFilter, type StreamChoice } from './line-filter';
import { createLongLineMatcher, type LongLineMatcherHandle } from './long-line-matcher';
import { browserRegexRunner, type RegexRunner } from './regex-runner';

export interface FilterStore {
  readonly query: Accessor<string>;
  readonly stream: Accessor<StreamChoice>;
  readonly regex: Accessor<boolean>;
  readonly caseSensitive: Accessor<boolean>;
  readonly invert: Accessor<boolean>;
  readonly hiddenLevels: Accessor<ReadonlySet<LevelChoice>>;
  /** Everything together, for filterRows. */
  readonly filter: Accessor<LineFilter>;
  /** The filter compiled (its error, if the regular expression is invalid); the same object until it changes. */
  readonly compiled: Accessor<CompiledFilter>;
  setQuery(query: string): void;
  setStream(stream: StreamChoice): void;
  setRegex(on: boolean): void;
  setCaseSensitive(on: boolean): void;
  setInvert(on: boolean): void;
  /** Shows or hides the lines of one level. */
  toggleLevel(level: LevelChoice): void;
  /** Shows every level again. */
  showAllLevels(): void;
  /** Hides the lines of these levels only (a link's). */
  setHiddenLevels(levels: ReadonlySet<LevelChoice>): void;
}

export interface FilterStoreOptions {
  /**
   * Where a regular expression is run over lines too long for the main thread. Default: a Web
   * Worker where there is one; without, long lines never match a regular expression.
   */
  readonly regexRunner?: RegexRunner;
  /** The clock a pass over short lines is timed with (line-filter.ts). @default performance.now */
  readonly now?: () => number;
}

export function createFilterStore(options: FilterStoreOptions = {}): FilterStore {
  const runner = options.regexRunner ?? browserRegexRunner();
  // Bumped when the worker answered (or gave up): the same filter, compiled again with what is known.
  const [answers, setAnswers] = createSignal(0);
  const [query, setQuery] = createSignal('');
  const [stream, setStream] = createSignal<StreamChoice>('all');
  const [regex, setRegex] = createSignal(false);
  const [caseSensitive, setCaseSensitive] = createSignal(false);
  const [invert, setInvert] = createSignal(false);
  const [hiddenLevels, setHiddenLevels] = createSignal<ReadonlySet<LevelChoice>>(new Set());
  // The same levels are no change: the filter stays the one compiled (sameFilter compares the set held).
  const hideLevels = (levels: ReadonlySet<LevelChoice>) => {
    if (!sameLevels(levels, untrack(hiddenLevels))) setHiddenLevels(new Set(levels));
  };
  const filter = (): LineFilter => ({
    query: query(),
    stream: stream(),
    regex: regex(),
    caseSensitive: caseSensitive(),
    invert: invert(),
    hiddenLevels: hiddenLevels(),
  });
  let last: { filter: LineFilter; answers: number; compiled: CompiledFilter } | undefined;
  let longLines: LongLineMatcherHandle | undefined;
  let stopped: string | undefined;
  const compile = (current: LineFilter): CompiledFilter =>
    compileFilter(current, {
      stopped,
      ...(options.now ? { now: options.now } : {}),
      onSlow: (message) => {
        if (last && !sameFilter(last.filter, current)) return; // a pass of a filter since replaced
        stopped = message;
        // Called in the middle of a pass (inside a computation): compile again after it.
        queueMicrotask(() => setAnswers((n) => n + 1));
      },
      longLines: runner
        ? (re) =>
            (longLines ??= createLongLineMatcher(runner, re, {
              onChange: () => setAnswers((n) => n + 1),
              onStopped: (message) => {
                stopped = message;
                setAnswers((n) => n + 1);
              },
            }))
        : undefined,
    });
  return {
    query,
    stream,
    regex,
    caseSensitive,
    invert,
    hiddenLevels,
    filter,
    compiled() {
      const current = filter();
      const answered = answers();
      if (last && sameFilter(last.filter, current)) {
        if (last.answers === answered) return last.compiled;
      } else {
        // Another filter: the worker's answers (and its giving up) were about the one before.
        longLines?.dispose();
        longLines = undefined;
        stopped = undefined;
      }
      last = { filter: current, answers: answered, compiled: compile(current) };
      return last.compiled;
    },
    setQuery: (q) => setQuery(q),
    setStream: (s) => setStream(s),
    setRegex: (on) => setRegex(on),
    setCaseSensitive: (on) => setCaseSensitive(on),
    setInvert: (on) => setInvert(on),
    toggleLevel(level) {
      setHiddenLevels((held) => {
        const next = new Set(held);
        if (!next.delete(level)) next.add(level);
        return next;
      });
    },
    showAllLevels: () => hideLevels(new Set<LevelChoice>()),
    setHiddenLevels: hideLevels,
  };
}

function sameLevels(a: ReadonlySet<LevelChoice>, b: ReadonlySet<LevelChoice>): boolean {
  return a.size === b.size && [...a].every((level) => b.has(level));
}

function sameFilter(a: LineFilter, b: LineFilter): boolean {
  return (
    a.query === b.query &&
    a.stream === b.stream &&
    a.regex === b.regex &&
    a.caseSensitive === b.caseSensitive &&
    a.invert === b.invert &&
    a.hiddenLevels === b.hiddenLevels
  );
}
