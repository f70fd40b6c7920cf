import { onCleanup, onMount, Show } from 'solid-js';
import type { FilterStore } from '../state/filter-store';

export interface FilterBoxProps {
  filter: FilterStore;
  /** Why the query cannot be used (an invalid regular expression), shown under it. */
  error: string | undefined;
}

/**
 * The filter over the loaded lines: the query, and whether it is a regular expression, case-
 * sensitive, or inverted (hide what matches). "/" focuses it, Escape clears it.
 */
export function FilterBox(props: FilterBoxProps) {
  let input!: HTMLInputElement;

  onMount(() => {
    const focusOnSlash = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, [contenteditable="true"]');
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    };
    document.addEventListener('keydown', focusOnSlash);
    onCleanup(() => document.removeEventListener('keydown', focusOnSlash));
  });

  const query = () => props.filter.query();

  return (
    <div class="filter">
      <div class="filter-box" classList={{ 'is-active': query() !== '', 'is-invalid': props.error !== undefined, 'is-inverted': props.filter.invert() }}>
        <svg class="filter-icon" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M10.5 10.5 14 14" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
        </svg>
        <input
          ref={input}
          class="filter-input"
          type="search"
          placeholder={props.filter.regex() ? 'Filter by regular expression' : 'Filter lines'}
          aria-label="Filter loaded lines"
          aria-invalid={props.error !== undefined}
          aria-describedby="filter-error"
          spellcheck={false}
          autocomplete="off"
          value={query()}
          onInput={(event) => props.filter.setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              props.filter.setQuery('');
              input.blur();
            }
          }}
        />
        <div class="filter-flags">
          <button
            type="button"
            class="filter-flag"
            classList={{ 'is-on': props.filter.caseSensitive() }}
            aria-pressed={props.filter.caseSensitive()}
            title="Match case"
            aria-label="Match case"
            onClick={() => props.filter.setCaseSensitive(!props.filter.caseSensitive())}
          >
            Aa
          </button>
          <button
            type="button"
            class="filter-flag"
            classList={{ 'is-on': props.filter.regex() }}
            aria-pressed={props.filter.regex()}
            title="Regular expression"
            aria-label="Regular expression"
            onClick={() => props.filter.setRegex(!props.filter.regex())}
          >
            .*
          </button>
          <button
            type="button"
            class="filter-flag"
            classList={{ 'is-on': props.filter.invert() }}
            aria-pressed={props.filter.invert()}
            title="Hide matching lines (invert)"
            aria-label="Hide matching lines"
            onClick={() => props.filter.setInvert(!props.filter.invert())}
          >
            ≠
          </button>
        </div>
      </div>
      <Show when={props.error}>
        {(error) => (
          <p id="filter-error" class="filter-error" role="alert">
            {error()}
          </p>
        )}
      </Show>
    </div>
  );
}
