import { For } from 'solid-js';
import { LOG_LEVELS } from '../format/log-level';
import type { FilterStore } from '../state/filter-store';
import type { LevelChoice } from '../state/line-filter';

const CHOICES: readonly { value: LevelChoice; label: string }[] = [
  ...LOG_LEVELS.map((level) => ({ value: level, label: level })),
  { value: 'none', label: 'other' },
];

/** One toggle per level: a level switched off hides its lines ("other": lines without a level). */
export function LevelFilter(props: { filter: FilterStore }) {
  return (
    <div class="level-filter" role="group" aria-label="Levels">
      <For each={CHOICES}>
        {(choice) => {
          const shown = () => !props.filter.hiddenLevels().has(choice.value);
          return (
            <button
              type="button"
              class={`level-chip level-chip-${choice.value}`}
              classList={{ 'is-off': !shown() }}
              aria-pressed={shown()}
              title={shown() ? `Hide ${choice.label} lines` : `Show ${choice.label} lines`}
              onClick={() => props.filter.toggleLevel(choice.value)}
            >
              {choice.label}
            </button>
          );
        }}
      </For>
    </div>
  );
}
