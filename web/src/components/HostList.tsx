import { createMemo, createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { useSession } from '../session/session-context';
import { useViewState } from '../state/view-context';
import { ContainerItem } from './ContainerItem';
import { HostHealth } from './HostHealth';
import './host-list.css';

/** How often the uptimes shown move on. */
const CLOCK_MS = 10_000;

/**
 * The sidebar: each host (offline ones kept, greyed), then its containers (running first), the
 * stopped ones listed or not as the reader chose. Clicking one opens its logs; shift/ctrl-click
 * (or its "+") adds it to the containers shown (ContainerItem.tsx).
 */
export function HostList() {
  const session = useSession();
  const view = useViewState();
  const showStopped = () => view.settings.settings().showStopped;
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), CLOCK_MS);
  onCleanup(() => clearInterval(clock));
  const containerCount = createMemo(() =>
    session.inventory.hosts().reduce((total, host) => total + host.containers.length, 0),
  );
  const stoppedCount = createMemo(() =>
    session.inventory.hosts().reduce((total, host) => total + host.containers.filter((c) => c.state !== 'running').length, 0),
  );
  const shown = (host: ReturnType<typeof session.inventory.hosts>[number]) =>
    showStopped() ? host.containers : host.containers.filter((c) => c.state === 'running');

  return (
    <nav class="hosts" aria-label="Containers">
      <div class="sidebar-heading">
        <span>Containers</span>
        <Show when={session.inventory.loaded()}>
          <span class="count">{containerCount()}</span>
        </Show>
      </div>
      <div class="sidebar-tools">
        <button type="button" class="find-button" onClick={() => view.finder.show()} title="Find a container (Ctrl/Cmd-K)">
          <span>Find a container…</span>
          <kbd>Ctrl K</kbd>
        </button>
        <Show when={stoppedCount() > 0}>
          <label class="stopped-toggle">
            <input type="checkbox" checked={showStopped()} onChange={(event) => view.settings.setShowStopped(event.currentTarget.checked)} />
            show stopped ({stoppedCount()})
          </label>
        </Show>
      </div>
      <Switch>
        {/* Hosts show as soon as the first chunk of a large inventory arrives. */}
        <Match when={containerCount() > 0 || session.inventory.hosts().length > 0}>
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
                  <For each={shown(host)}>{(container) => <ContainerItem host={host} container={container} now={now()} />}</For>
                </ul>
                <Show when={shown(host).length < host.containers.length}>
                  <p class="host-hidden">{host.containers.length - shown(host).length} stopped hidden</p>
                </Show>
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
