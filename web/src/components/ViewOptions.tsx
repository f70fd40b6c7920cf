import type { TimeMode, ViewSettingsStore } from '../state/view-settings-store';
import { RadioChoices } from './RadioChoices';

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
      <RadioChoices
        label="Timestamps"
        choices={TIMES}
        value={settings().time}
        onChange={(time) => props.settings.setTime(time)}
        groupClass="segmented"
        optionClass="segmented-option"
      />
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
