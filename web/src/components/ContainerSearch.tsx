import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { containerStatusLabel } from '../format/container-status';
import { uptimeText } from '../format/container-uptime';
import { useSession } from '../session/session-context';
import { searchContainers, type ContainerHit } from '../state/container-search';
import { useViewState } from '../state/view-context';
import { ContainerStateDot } from './ContainerStateDot';
import { reportedAtOf } from './ContainerItem';
import './container-search.css';

/**
 * The container search: a fuzzy match over every container of every host (offline hosts too),
 * by name, image or host. Ctrl/Cmd-K opens it anywhere; arrows move, Enter opens the container
 * alone, Shift-Enter (or a shift/ctrl-click) adds it to the containers shown, Escape closes. Stopped containers follow the sidebar's choice, switchable here.
 */
export function ContainerSearch() {
  const session = useSession();
  const view = useViewState();
  const [query, setQuery] = createSignal('');
  const [chosen, setActive] = createSignal(0);
  const showStopped = () => view.settings.settings().showStopped;
  const hits = createMemo(() => searchContainers(session.inventory.hosts(), query(), { showStopped: showStopped() }));
  // Containers can go away while the search is open: the choice stays on the list.
  const active = () => Math.min(chosen(), Math.max(0, hits().length - 1));
  let input!: HTMLInputElement;

  onMount(() => {
    input.focus();
  });

  const open = (hit: ContainerHit | undefined, add = false) => {
    if (!hit) return;
    const ref = { agentId: hit.host.agentId, containerId: hit.container.id };
    if (add) session.addToView(ref);
    else session.select(ref);
    view.finder.hide();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const count = hits().length;
    if (event.key === 'Escape') view.finder.hide();
    else if (event.key === 'ArrowDown') setActive(count === 0 ? 0 : (active() + 1) % count);
    else if (event.key === 'ArrowUp') setActive(count === 0 ? 0 : (active() - 1 + count) % count);
    else if (event.key === 'Enter') open(hits()[active()], event.shiftKey);
    else return;
    event.preventDefault();
  };
  // A click outside the panel closes it.
  const onBackdrop = (event: MouseEvent) => {
    if (event.target === event.currentTarget) view.finder.hide();
  };
  const now = Date.now();
  onCleanup(() => setQuery(''));

  return (
    <div class="finder-backdrop" onClick={onBackdrop}>
      <div class="finder" role="dialog" aria-modal="true" aria-label="Find a container" onKeyDown={onKeyDown}>
        <input
          ref={input}
          class="finder-input"
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls="finder-results"
          aria-activedescendant={hits()[active()] ? `finder-hit-${active()}` : undefined}
          placeholder="Find a container by name, image or host"
          aria-label="Find a container"
          spellcheck={false}
          autocomplete="off"
          value={query()}
          onInput={(event) => {
            setQuery(event.currentTarget.value);
            setActive(0);
          }}
        />
        <ul id="finder-results" class="finder-results" role="listbox" aria-label="Containers">
          <For each={hits()}>
            {(hit, index) => (
              <li
                id={`finder-hit-${index()}`}
                role="option"
                aria-selected={index() === active()}
                class="finder-hit"
                classList={{ 'is-active': index() === active(), 'is-offline': !hit.host.online }}
                onMouseMove={() => setActive(index())}
                onClick={(event) => open(hit, event.shiftKey || event.ctrlKey || event.metaKey)}
              >
                <ContainerStateDot state={hit.container.state} stale={!hit.host.online} />
                <span class="finder-name">
                  <Highlighted text={hit.name} positions={hit.namePositions} />
                </span>
                <span class="finder-image">{hit.container.image}</span>
                <span class="finder-host">{hit.host.hostName}{hit.host.online ? '' : ' (offline)'}</span>
                <span class="finder-state">
                  {hit.host.online && hit.container.state === 'running'
                    ? (uptimeText(hit.container.status, reportedAtOf(hit.host, hit.container.id), now) ?? 'running')
                    : containerStatusLabel(hit.container, hit.host).text}
                </span>
              </li>
            )}
          </For>
        </ul>
        <Show when={hits().length === 0}>
          <p class="finder-empty">No container matches.</p>
        </Show>
        <footer class="finder-footer">
          <label class="stopped-toggle">
            <input type="checkbox" checked={showStopped()} onChange={(event) => view.settings.setShowStopped(event.currentTarget.checked)} />
            show stopped containers
          </label>
          <span class="finder-keys">↑↓ move · Enter open · Shift-Enter add to view · Esc close</span>
        </footer>
      </div>
    </div>
  );
}

/** The name with the matched characters marked, as text nodes. */
function Highlighted(props: { text: string; positions: readonly number[] }) {
  const parts = createMemo(() => {
    const marked = new Set(props.positions);
    const out: { text: string; match: boolean }[] = [];
    for (let i = 0; i < props.text.length; i += 1) {
      const match = marked.has(i);
      const last = out[out.length - 1];
      if (last && last.match === match) last.text += props.text[i];
      else out.push({ text: props.text[i]!, match });
    }
    return out;
  });
  return <For each={parts()}>{(part) => <span classList={{ 'finder-match': part.match }}>{part.text}</span>}</For>;
}
