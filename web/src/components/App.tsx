import { createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { loadRuntimeConfig } from '../config/runtime-config';
import { forgetViewerToken, resolveViewerToken, saveViewerToken, takeTokenFromHash } from '../config/viewer-token';
import { Dashboard } from './Dashboard';
import { TokenPrompt } from './TokenPrompt';
import './app.css';

/** Reads the token once at start-up and takes it out of the address bar (it must not linger in history). */
function initialToken(): string | undefined {
  const { token, hash } = resolveViewerToken(window.location.hash, window.localStorage);
  withoutToken(hash);
  return token;
}

/** Replaces the address's hash by this one, the token taken out (no history entry). */
function withoutToken(hash: string): void {
  if (hash !== window.location.hash) {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function App() {
  const [token, setToken] = createSignal(initialToken());
  const [rejected, setRejected] = createSignal(false);
  const [config, { refetch }] = createResource(() => loadRuntimeConfig((url, init) => fetch(url, init)));

  const useToken = (value: string) => {
    saveViewerToken(window.localStorage, value);
    setRejected(false);
    setToken(value);
  };
  const changeToken = (suspectedInvalid: boolean) => {
    forgetViewerToken(window.localStorage);
    setRejected(suspectedInvalid);
    setToken(undefined);
  };
  // A link with a token pasted into this tab: taken out of the address as at start-up, before the
  // dashboard reads the rest (this listener was added first). Another token starts the dashboard
  // anew with it, which then opens the link as a load does.
  const tokenFromAddress = () => {
    const taken = takeTokenFromHash(window.location.hash);
    withoutToken(taken.hash);
    if (taken.token !== undefined && taken.token !== token()) useToken(taken.token);
  };
  window.addEventListener('hashchange', tokenFromAddress);
  onCleanup(() => window.removeEventListener('hashchange', tokenFromAddress));

  return (
    <Switch>
      <Match when={config.state === 'errored'}>
        <div class="splash">
          <div class="splash-card">
            <h1 class="brand">Sidetail</h1>
            <p class="splash-error">{describeError(config.error)}</p>
            <button class="button" type="button" onClick={() => void refetch()}>
              Try again
            </button>
          </div>
        </div>
      </Match>
      <Match when={!config()}>
        <div class="splash">
          <p class="splash-muted">Loading…</p>
        </div>
      </Match>
      <Match when={!token()}>
        <TokenPrompt rejected={rejected()} onSubmit={useToken} />
      </Match>
      <Match when={config()}>
        {(loaded) => (
          <Show when={token()} keyed>
            {(current) => <Dashboard wsUrl={loaded().wsUrl} token={current} onChangeToken={changeToken} />}
          </Show>
        )}
      </Match>
    </Switch>
  );
}
