import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { useSession } from '../session/session-context';
import { ContainerItem } from './ContainerItem';
import { HostHealth } from './HostHealth';
import './host-list.css';

/** The sidebar: each host, then its containers (running first). Clicking one opens its logs. */
export function HostList() {
  const session = useSession();
  const containerCount = createMemo(() =>
    session.inventory.hosts().reduce((total, host) => total + host.containers.length, 0),
  );

  return (
    <nav class="hosts" aria-label="Containers">
      <div class="sidebar-heading">
        <span>Containers</span>
        <Show when={session.inventory.loaded()}>
          <span class="count">{containerCount()}</span>
        </Show>
      </div>
      <Switch>
        {/* Hosts show as soon as the first chunk of a large inventory arrives. */}
        <Match when={containerCount() > 0}>
          <For each={session.inventory.hosts()}>
            {(host) => (
              <section class="host" classList={{ 'is-offline': !host.online }}>
                <header
                  class="host-header"
                  title={`agent ${host.agentId} · ${host.online ? 'updated' : 'offline since'} ${host.updatedAt}`}
                >
                  <span class="host-dot" classList={{ 'is-online': host.online }} aria-hidden="true" />
                  <span class="host-name">{host.hostName}</span>
                  <Show when={!host.online}>
                    <span class="host-badge">offline</span>
                  </Show>
                  <HostHealth host={host} />
                  <span class="count">{host.containers.length}</span>
                </header>
                <ul class="container-list">
                  <For each={host.containers}>{(container) => <ContainerItem host={host} container={container} />}</For>
                </ul>
              </section>
            )}
          </For>
        </Match>
        <Match when={!session.inventory.loaded()}>
          <p class="sidebar-note">Waiting for the inventory…</p>
        </Match>
        <Match when={containerCount() === 0}>
          <p class="sidebar-note">No containers yet.</p>
        </Match>
      </Switch>
    </nav>
  );
}
