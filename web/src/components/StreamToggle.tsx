import { For } from 'solid-js';
import type { StreamChoice } from '../state/line-filter';

export interface StreamToggleProps {
  stream: StreamChoice;
  onStreamChange(stream: StreamChoice): void;
}

const CHOICES: readonly { value: StreamChoice; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'stdout', label: 'stdout' },
  { value: 'stderr', label: 'stderr' },
];

/** Shows both streams, or only stdout or stderr. */
export function StreamToggle(props: StreamToggleProps) {
  return (
    <div class="stream-toggle" role="radiogroup" aria-label="Stream">
      <For each={CHOICES}>
        {(choice) => (
          <button
            type="button"
            role="radio"
            class="stream-option"
            classList={{ 'is-active': props.stream === choice.value, [`is-${choice.value}`]: true }}
            aria-checked={props.stream === choice.value}
            onClick={() => props.onStreamChange(choice.value)}
          >
            {choice.label}
          </button>
        )}
      </For>
    </div>
  );
}
