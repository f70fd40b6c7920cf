import { createEffect, createMemo, createSignal, onCleanup, Show } from 'solid-js';
import { useSession } from '../session/session-context';
import type { ConnectionProblem } from '../state/connection-problem';

export interface ConnectionStatusProps {
  /** Why no connection opened, when none has (state/connection-problem.ts). */
  problem: ConnectionProblem | undefined;
  onChangeToken(): void;
}

const LABELS = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
} as const;

export function ConnectionStatus(props: ConnectionStatusProps) {
  const session = useSession();
  const state = () => session.connection.state();

  // A clock that only ticks while a retry countdown is on screen.
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    if (state().retryAt === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    onCleanup(() => clearInterval(timer));
  });

  const label = createMemo(() => {
    const at = state().retryAt;
    if (state().status === 'reconnecting' && at !== undefined) {
      return `Reconnecting in ${Math.max(0, Math.ceil((at - now()) / 1000))}s`;
    }
    return LABELS[state().status];
  });
  const tokenSuspect = () => props.problem === 'token-refused';

  return (
    <div class="connection" role="status" aria-live="polite">
      <span class="connection-pill" classList={{ [`is-${state().status}`]: true }} title={state().error ?? ''}>
        <span class="connection-dot" aria-hidden="true" />
        {label()}
      </span>
      <Show when={state().status !== 'open' && state().error}>
        {(error) => <span class="connection-error">{error()}</span>}
      </Show>
      <Show when={props.problem}>
        {(problem) => (
          <span class="connection-hint" role="alert">
            {problem() === 'token-refused' ? 'The token was refused.' : 'The server cannot be reached.'}
          </span>
        )}
      </Show>
      <Show when={state().status === 'reconnecting' && state().retryAt !== undefined}>
        <button class="button button-small" type="button" onClick={() => session.reconnectNow()}>
          Retry now
        </button>
      </Show>
      <button
        class="button button-small"
        classList={{ 'button-ghost': !tokenSuspect() }}
        type="button"
        onClick={() => props.onChangeToken()}
      >
        Change token
      </button>
    </div>
  );
}
