import type { StreamChoice } from '../state/line-filter';
import { RadioChoices } from './RadioChoices';

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
    <RadioChoices
      label="Stream"
      choices={CHOICES}
      value={props.stream}
      onChange={(stream) => props.onStreamChange(stream)}
      groupClass="segmented stream-toggle"
      optionClass="segmented-option stream-option"
      optionClasses={(stream) => ({ [`is-${stream}`]: true })}
    />
  );
}
