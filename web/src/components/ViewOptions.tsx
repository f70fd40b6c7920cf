import { For } from 'solid-js';
import type { TimeMode, ViewSettingsStore } from '../state/view-settings-store';

const TIMES: readonly { value: TimeMode; label: string }[] = [
  { value: 'local', label: 'Local' },
  { value: 'utc', label: 'UTC' },
  { value: 'hidden', label: 'No time' },
];

/** How lines are shown: timestamps in local time, UTC or hidden; long lines wrapped or scrolled. Kept across reloads. */
export function ViewOptions(props: { settings: ViewSettingsStore }) {
  const settings = () => props.settings.settings();
  return (
    <div class="view-options">
      <div class="segmented" role="radiogroup" aria-label="Timestamps">
        <For each={TIMES}>
          {(choice) => (
            <button
              type="button"
              role="radio"
              class="segmented-option"
              classList={{ 'is-active': settings().time === choice.value }}
              aria-checked={settings().time === choice.value}
              onClick={() => props.settings.setTime(choice.value)}
            >
              {choice.label}
            </button>
          )}
        </For>
      </div>
      <button
        type="button"
        class="segmented-option wrap-toggle"
        classList={{ 'is-active': settings().wrap }}
        aria-pressed={settings().wrap}
        title={settings().wrap ? 'Long lines wrap; click to scroll them sideways' : 'Long lines scroll sideways; click to wrap them'}
        onClick={() => props.settings.setWrap(!settings().wrap)}
      >
        Wrap
      </button>
    </div>
  );
}
