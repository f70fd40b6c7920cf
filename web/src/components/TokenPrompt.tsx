import { createSignal, onMount, Show } from 'solid-js';

export interface TokenPromptProps {
  /** The last token never got a connection through: say so. */
  rejected: boolean;
  onSubmit(token: string): void;
}

export function TokenPrompt(props: TokenPromptProps) {
  let input!: HTMLInputElement;
  const [value, setValue] = createSignal('');
  // The autofocus attribute only works on page load; this form can appear later.
  onMount(() => input.focus());
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const token = value().trim();
    if (token !== '') props.onSubmit(token);
  };

  return (
    <div class="splash">
      <form class="splash-card token-form" onSubmit={submit}>
        <h1 class="brand">Sidetail</h1>
        <p class="splash-muted">Live container logs. Enter the viewer token to continue.</p>
        <Show when={props.rejected}>
          <p class="splash-error">The previous token was refused. Check it and try again.</p>
        </Show>
        <label class="field-label" for="viewer-token">
          Viewer token
        </label>
        <input
          ref={input}
          id="viewer-token"
          class="text-input"
          type="password"
          autocomplete="current-password"
          value={value()}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <button class="button button-primary" type="submit" disabled={value().trim() === ''}>
          Connect
        </button>
        <p class="splash-hint">
          Tip: open the dashboard with <code>#token=…</code> in the address to skip this step.
        </p>
      </form>
    </div>
  );
}
