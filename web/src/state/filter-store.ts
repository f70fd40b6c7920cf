/**
 * The log filter (state/line-filter.ts): the query and how it is read (substring or regular
 * expression, case, inverted), the stream, and the hidden levels. `compiled` compiles it once per
 * change, however many components read it.
 */
import { createSignal, type Accessor } from 'solid-js';
import { compileFilter, type CompiledFilter, type LevelChoice, type LineFilter, type StreamChoice } from './line-filter';

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
}

export function createFilterStore(): FilterStore {
  const [query, setQuery] = createSignal('');
  const [stream, setStream] = createSignal<StreamChoice>('all');
  const [regex, setRegex] = createSignal(false);
  const [caseSensitive, setCaseSensitive] = createSignal(false);
  const [invert, setInvert] = createSignal(false);
  const [hiddenLevels, setHiddenLevels] = createSignal<ReadonlySet<LevelChoice>>(new Set());
  const filter = (): LineFilter => ({
    query: query(),
    stream: stream(),
    regex: regex(),
    caseSensitive: caseSensitive(),
    invert: invert(),
    hiddenLevels: hiddenLevels(),
  });
  let last: { filter: LineFilter; compiled: CompiledFilter } | undefined;
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
      if (last && sameFilter(last.filter, current)) return last.compiled;
      last = { filter: current, compiled: compileFilter(current) };
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
    showAllLevels: () => setHiddenLevels(new Set<LevelChoice>()),
  };
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
