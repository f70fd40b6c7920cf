/** The log filter: text (case-insensitive substring) and stream, applied to the loaded lines. */
import { createSignal, type Accessor } from 'solid-js';
import type { LineFilter, StreamChoice } from './line-filter';

export interface FilterStore {
  readonly query: Accessor<string>;
  readonly stream: Accessor<StreamChoice>;
  /** Both together, for filterRows. */
  readonly filter: Accessor<LineFilter>;
  setQuery(query: string): void;
  setStream(stream: StreamChoice): void;
}

export function createFilterStore(): FilterStore {
  const [query, setQuery] = createSignal('');
  const [stream, setStream] = createSignal<StreamChoice>('all');
  return {
    query,
    stream,
    filter: () => ({ query: query(), stream: stream() }),
    setQuery: (q) => setQuery(q),
    setStream: (s) => setStream(s),
  };
}
