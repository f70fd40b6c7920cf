import { For } from 'solid-js';
import { containerKey, type ContainerRef } from '../../../protocol';
import type { LineSource } from '../format/line-source';
import { useSession } from '../session/session-context';
import { createExpandedStore } from '../state/expanded-store';
import { createFollowStore } from '../state/follow-store';
import { createJumpStore } from '../state/jump-store';
import { useViewState, ViewStateContext } from '../state/view-context';
import { ContainerLogs } from './ContainerLogs';

export interface LogPanesProps {
  targets: readonly ContainerRef[];
  sources: ReadonlyMap<string, LineSource>;
}

/**
 * The containers shown side by side, a pane each. The filter and the view settings are shared
 * (set above the panes); each pane follows, pauses and opens JSON lines on its own.
 */
export function LogPanes(props: LogPanesProps) {
  const session = useSession();
  const view = useViewState();
  return (
    <div class="log-panes" style={{ '--pane-count': String(props.targets.length) }}>
      <For each={props.targets}>
        {(target) => (
          <div class="log-pane">
            <ViewStateContext.Provider value={{ ...view, follow: createFollowStore(), expanded: createExpandedStore(), jump: createJumpStore() }}>
              <ContainerLogs
                target={target}
                pane={{
                  get colour() {
                    return props.sources.get(containerKey(target))?.colour ?? 'transparent';
                  },
                  onRemove: () => session.removeFromView(target),
                }}
              />
            </ViewStateContext.Provider>
          </div>
        )}
      </For>
    </div>
  );
}
