import { createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { loadRuntimeConfig } from '../config/runtime-config';
import { forgetViewerToken, resolveViewerToken, saveViewerToken, takeTokenFromHash } from '../config/viewer-token';
import { replaceHash } from '../session/replace-hash';
import { Dashboard } from './Dashboard';
import { TokenPrompt } from './TokenPrompt';
import './app.css';

/** Reads the token once at start-up and takes it out of the address bar (it must not linger in history). */
function initialToken(): string | undefined {
  const { token, hash } = resolveViewerToken(window.location.hash, window.localStorage);
  replaceHash(hash);
  return token;
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
  // Another link in this tab (pasted, back or forward): a token in it taken out of the address as
  // at start-up, and only then the rest handed to the dashboard — the one listener, so nothing
  // hangs on the order listeners were added in. Another token starts the dashboard anew with it,
  // which opens the link as a load does (the one it replaces is handed nothing).
  const addressListeners = new Set<(hash: string) => void>();
  const addressChanges = (listener: (hash: string) => void) => {
    addressListeners.add(listener);
    return () => void addressListeners.delete(listener);
  };
  const addressChanged = () => {
    const taken = takeTokenFromHash(window.location.hash);
    replaceHash(taken.hash);
    if (taken.token !== undefined && taken.token !== token()) useToken(taken.token);
    else for (const listener of addressListeners) listener(taken.hash);
  };
  window.addEventListener('hashchange', addressChanged);
  onCleanup(() => window.removeEventListener('hashchange', addressChanged));

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
            {(current) => <Dashboard wsUrl={loaded().wsUrl} token={current} addressChanges={addressChanges} onChangeToken={changeToken} />}
          </Show>
        )}
      </Match>
    </Switch>
  );
}
