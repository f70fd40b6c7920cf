import { createEffect, on, onCleanup, Show, untrack } from 'solid-js';
import { openBrowserSocket } from '../api/browser-socket';
import { viewerSocketUrl } from '../config/runtime-config';
import { markViewerTokenAccepted, viewerTokenAccepted } from '../config/viewer-token';
import { createSession } from '../session/create-session';
import { replaceHash } from '../session/replace-hash';
import { SessionContext } from '../session/session-context';
import { connectionProblem } from '../state/connection-problem';
import { createViewState, ViewStateContext } from '../state/view-context';
import { formatViewLink, parseViewLink } from '../state/view-link';
import { applyChangedViewLink, applyViewLink, viewLinkOf, type LinkTargets, type ViewNow } from '../state/view-link-sync';
import { ConnectionStatus } from './ConnectionStatus';
import { ContainerSearch } from './ContainerSearch';
import { ErrorNotices } from './ErrorNotices';
import { HostList } from './HostList';
import { LogPanel } from './LogPanel';

export interface DashboardProps {
  wsUrl: string;
  token: string;
  /**
   * Calls the listener with the address's hash, the token out of it, each time it changes in this
   * tab (App.tsx); returns how to stop. On start the dashboard reads the address, token out already.
   */
  addressChanges(listener: (hash: string) => void): () => void;
  /** Leave for the token prompt; `suspectedInvalid` when no connection ever opened with this token. */
  onChangeToken(suspectedInvalid: boolean): void;
}

export function Dashboard(props: DashboardProps) {
  const session = createSession({
    url: viewerSocketUrl(props.wsUrl, props.token),
    openSocket: openBrowserSocket,
    storage: window.localStorage,
  });
  const view = createViewState(window.localStorage);
  // The address names the view: a link opened shows its containers, filter and place, and the
  // address follows every change after (replaced, not pushed: no history entry per keystroke).
  const linkTargets: LinkTargets = {
    show: (refs) => session.show(refs),
    setLayout: (layout) => session.setLayout(layout),
    filter: session.filter,
    jump: view.jump,
    follow: view.follow,
  };
  const viewNow = (): ViewNow => ({
    watched: session.selection.watched(),
    layout: session.selection.layout(),
    filter: session.filter.filter(),
    place: view.jump.place(),
  });
  const writeAddress = (now: ViewNow) => replaceHash(formatViewLink(viewLinkOf(now), window.location.hash));
  // While a link is applied, its steps (the place after the rest) write no address of their own.
  let applying = false;
  applyViewLink(parseViewLink(window.location.hash), linkTargets);
  createEffect(() => {
    const now = viewNow();
    if (!applying) writeAddress(now);
  });
  // Another link in this tab (pasted, back or forward): its view, as a load of it, and then its
  // address — written even when nothing on screen changed (a link naming no container, say). The
  // address written is replaced, never navigated to, so it fires no hashchange of its own.
  const followAddress = (hash: string) => {
    applying = true;
    try {
      applyChangedViewLink(hash, untrack(viewNow), linkTargets);
    } finally {
      applying = false;
    }
    writeAddress(untrack(viewNow));
  };
  onCleanup(props.addressChanges(followAddress));
  // Other containers: a place in the lines before means nothing in them.
  createEffect(on(session.selection.watched, () => view.jump.clear(), { defer: true }));
  // Whether the token is refused, as far as the browser can tell (state/connection-problem.ts).
  const acceptedBefore = viewerTokenAccepted(window.localStorage, props.token);
  createEffect(() => {
    if (session.connection.state().everOpened) markViewerTokenAccepted(window.localStorage, props.token);
  });
  const problem = () => connectionProblem(session.connection.state(), acceptedBefore);
  const online = () => session.reconnectNow();
  // Ctrl/Cmd-K opens the container search from anywhere, typing in a field included.
  const findShortcut = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      if (view.finder.open()) view.finder.hide();
      else view.finder.show();
    }
  };
  window.addEventListener('online', online);
  document.addEventListener('keydown', findShortcut);
  onCleanup(() => {
    window.removeEventListener('online', online);
    document.removeEventListener('keydown', findShortcut);
    session.close();
  });

  return (
    <SessionContext.Provider value={session}>
      <ViewStateContext.Provider value={view}>
        <div class="layout">
          <header class="topbar">
            <span class="brand">Sidetail</span>
            <ConnectionStatus problem={problem()} onChangeToken={() => props.onChangeToken(problem() === 'token-refused')} />
          </header>
          <aside class="sidebar">
            <HostList />
          </aside>
          <main class="main">
            <ErrorNotices />
            <LogPanel problem={problem()} />
          </main>
        </div>
        <Show when={view.finder.open()}>
          <ContainerSearch />
        </Show>
      </ViewStateContext.Provider>
    </SessionContext.Provider>
  );
}
