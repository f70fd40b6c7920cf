import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { containerKey } from '../../../protocol';
import { sourceColour, type LineSource } from '../format/line-source';
import { useSession } from '../session/session-context';
import { displayName } from '../state/inventory-order';
import { VIEW_LAYOUTS, type ViewLayout } from '../state/selection-store';
import { useViewState } from '../state/view-context';
import { FilterBox } from './FilterBox';
import { LevelFilter } from './LevelFilter';
import { LogPanes } from './LogPanes';
import { MergedLogs } from './MergedLogs';
import { RadioChoices } from './RadioChoices';
import { StreamToggle } from './StreamToggle';
import { ViewOptions } from './ViewOptions';
import './several-logs.css';

const LAYOUT_NAMES: Record<ViewLayout, { label: string; title: string }> = {
  merged: { label: 'Merged', title: 'One list, the lines of every container interleaved by time' },
  panes: { label: 'Side by side', title: 'A pane for each container' },
};
const LAYOUTS = VIEW_LAYOUTS.map((value) => ({ value, ...LAYOUT_NAMES[value] }));

/**
 * Several containers shown: which (each in its colour, each to be taken out), merged or side by
 * side, and their lines that way.
 */
export function SeveralLogs() {
  const session = useSession();
  const view = useViewState();
  const targets = () => session.selection.watched();
  // A container's colour is its place among those shown: the same in the bar, the merged lines and its pane.
  const sources = createMemo(
    () =>
      new Map<string, LineSource>(
        targets().map((ref, index) => {
          const found = session.inventory.find(ref);
          return [containerKey(ref), { name: found ? displayName(found.container) : ref.containerId.slice(0, 12), colour: sourceColour(index) }];
        }),
      ),
  );

  return (
    <div class="several-logs">
      <div class="view-bar">
        <ul class="view-chips" aria-label="Containers shown">
          <For each={targets()}>
            {(ref) => (
              <li class="view-chip" style={{ '--source-colour': sources().get(containerKey(ref))?.colour }}>
                <span class="source-swatch" aria-hidden="true" />
                <span class="view-chip-name">{sources().get(containerKey(ref))?.name}</span>
                <button
                  type="button"
                  class="view-remove"
                  aria-label={`Remove ${sources().get(containerKey(ref))?.name ?? 'the container'} from the view`}
                  title="Remove from the view"
                  onClick={() => session.removeFromView(ref)}
                >
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
        {/* Side by side, the panes' toolbars have no room for them. */}
        <Show when={session.selection.layout() === 'panes'}>
          <ViewOptions settings={view.settings} />
        </Show>
        <RadioChoices
          label="Layout"
          choices={LAYOUTS}
          value={session.selection.layout()}
          onChange={(layout) => session.setLayout(layout)}
          groupClass="segmented"
          optionClass="segmented-option"
        />
      </div>
      <Switch>
        <Match when={session.selection.layout() === 'merged'}>
          <MergedLogs targets={targets()} sources={sources()} />
        </Match>
        <Match when={session.selection.layout() === 'panes'}>
          {/* The panes share one filter and the view settings, set here. */}
          <div class="log-filters pane-filters">
            <FilterBox filter={session.filter} error={session.filter.compiled().error} />
            <StreamToggle stream={session.filter.stream()} onStreamChange={(s) => session.filter.setStream(s)} />
            <LevelFilter filter={session.filter} />
          </div>
          <LogPanes targets={targets()} sources={sources()} />
        </Match>
      </Switch>
    </div>
  );
}
