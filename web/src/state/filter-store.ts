/** The log filter's text (case-insensitive substring, applied to loaded lines). */
import { createSignal, type Accessor } from 'solid-js';

export interface FilterStore {
  readonly query: Accessor<string>;
  setQuery(query: string): void;
}

export function createFilterStore(): FilterStore {
  const [query, setQuery] = createSignal('');
  return { query, setQuery: (q) => setQuery(q) };
}
