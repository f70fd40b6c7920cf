import { For } from 'solid-js';

export interface RadioChoice<T extends string> {
  readonly value: T;
  readonly label: string;
  /** What the choice means, as a tooltip. */
  readonly title?: string;
}

export interface RadioChoicesProps<T extends string> {
  /** The group's accessible name. */
  label: string;
  choices: readonly RadioChoice<T>[];
  value: T;
  onChange(value: T): void;
  groupClass: string;
  optionClass: string;
  /** Extra classes of one option (e.g. its stream's colour). */
  optionClasses?(value: T): Record<string, boolean>;
}

const STEPS: Record<string, (at: number, count: number) => number> = {
  ArrowRight: (at, count) => (at + 1) % count,
  ArrowDown: (at, count) => (at + 1) % count,
  ArrowLeft: (at, count) => (at - 1 + count) % count,
  ArrowUp: (at, count) => (at - 1 + count) % count,
  Home: () => 0,
  End: (_at, count) => count - 1,
};

/**
 * One choice of a few, as WAI-ARIA's radio group: one tab stop (the chosen option), the arrow keys
 * (and Home, End) move the choice and the focus along, wrapping around.
 */
export function RadioChoices<T extends string>(props: RadioChoicesProps<T>) {
  let group: HTMLDivElement | undefined;
  const onKeyDown = (event: KeyboardEvent, at: number) => {
    const step = STEPS[event.key];
    if (!step) return;
    event.preventDefault();
    const next = step(at, props.choices.length);
    props.onChange(props.choices[next]!.value);
    group?.querySelectorAll<HTMLElement>('[role=radio]')[next]?.focus();
  };
  return (
    <div ref={group} class={props.groupClass} role="radiogroup" aria-label={props.label}>
      <For each={props.choices}>
        {(choice, index) => (
          <button
            type="button"
            role="radio"
            class={props.optionClass}
            classList={{ 'is-active': props.value === choice.value, ...props.optionClasses?.(choice.value) }}
            aria-checked={props.value === choice.value}
            title={choice.title}
            tabIndex={props.value === choice.value ? 0 : -1}
            onClick={() => props.onChange(choice.value)}
            onKeyDown={(event) => onKeyDown(event, index())}
          >
            {choice.label}
          </button>
        )}
      </For>
    </div>
  );
}
