import { onCleanup, onMount, Show } from 'solid-js';

export interface FilterBoxProps {
  query: string;
  onQueryChange(query: string): void;
}

/** Case-insensitive substring filter over the loaded lines. "/" focuses it, Escape clears it. */
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

  return (
    <div class="filter-box" classList={{ 'is-active': props.query !== '' }}>
      <svg class="filter-icon" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" stroke-width="1.5" />
        <path d="M10.5 10.5 14 14" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
      </svg>
      <input
        ref={input}
        class="filter-input"
        type="search"
        placeholder="Filter lines"
        aria-label="Filter loaded lines"
        spellcheck={false}
        autocomplete="off"
        value={props.query}
        onInput={(event) => props.onQueryChange(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            props.onQueryChange('');
            input.blur();
          }
        }}
      />
      <Show when={props.query === ''}>
        <kbd class="filter-kbd">/</kbd>
      </Show>
    </div>
  );
}
