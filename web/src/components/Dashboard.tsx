import { onCleanup } from 'solid-js';
import { openBrowserSocket } from '../api/browser-socket';
import { viewerSocketUrl } from '../config/runtime-config';
import { createSession } from '../session/create-session';
import { SessionContext } from '../session/session-context';
import { ConnectionStatus } from './ConnectionStatus';
import { ErrorNotices } from './ErrorNotices';
import { HostList } from './HostList';
import { LogPanel } from './LogPanel';

export interface DashboardProps {
  wsUrl: string;
  token: string;
  /** Leave for the token prompt; `suspectedInvalid` when no connection ever opened with this token. */
  onChangeToken(suspectedInvalid: boolean): void;
}

export function Dashboard(props: DashboardProps) {
  const session = createSession({
    url: viewerSocketUrl(props.wsUrl, props.token),
    openSocket: openBrowserSocket,
    storage: window.localStorage,
  });
  const online = () => session.reconnectNow();
  window.addEventListener('online', online);
  onCleanup(() => {
    window.removeEventListener('online', online);
    session.close();
  });

  return (
    <SessionContext.Provider value={session}>
      <div class="layout">
        <header class="topbar">
          <span class="brand">Sidetail</span>
          <ConnectionStatus onChangeToken={() => props.onChangeToken(!session.connection.state().everOpened)} />
        </header>
        <aside class="sidebar">
          <HostList />
        </aside>
        <main class="main">
          <ErrorNotices />
          <LogPanel />
        </main>
      </div>
    </SessionContext.Provider>
  );
}
