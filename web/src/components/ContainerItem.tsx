import { Show } from 'solid-js';
import type { ContainerInfo } from '../../../protocol';
import { containerStatusLabel } from '../format/container-status';
import { uptimeText } from '../format/container-uptime';
import { useSession } from '../session/session-context';
import { displayName } from '../state/inventory-order';
import type { HostView } from '../state/inventory-store';
import { MAX_SHOWN } from '../state/selection-store';
import { ContainerStateDot } from './ContainerStateDot';

export interface ContainerItemProps {
  host: HostView;
  container: ContainerInfo;
  /** A clock tick: the uptime is read again when it changes. */
  now: number;
}

/**
 * When Docker's status words were reported: the change they came with, else the host's newest
 * listing (an inventory says it per host only).
 */
export function reportedAtOf(host: HostView, containerId: string): number | undefined {
  return host.reportedAt[containerId] ?? host.observedAt;
}

/**
 * A container in the sidebar. A click shows it alone; shift-, ctrl- or cmd-click (or its "+")
 * adds it to the containers shown, or takes it out again (its "−") when others are shown too.
 */
export function ContainerItem(props: ContainerItemProps) {
  const session = useSession();
  const target = () => ({ agentId: props.host.agentId, containerId: props.container.id });
  const shown = () => session.selection.isSelected(target());
  const alone = () => shown() && session.selection.watched().length === 1;
  const onClick = (event: MouseEvent) => {
    if (event.shiftKey || event.ctrlKey || event.metaKey) session.toggleInView(target());
    else session.select(target());
  };
  const status = () => containerStatusLabel(props.container, props.host, props.host.reportedAt[props.container.id]);
  const uptime = () => {
    void props.now;
    if (!props.host.online || props.container.state !== 'running') return undefined;
    return uptimeText(props.container.status, reportedAtOf(props.host, props.container.id), Date.now());
  };

  return (
    <li class="container-row">
      <button
        type="button"
        class="container-item"
        classList={{
          'is-selected': shown(),
          'is-stopped': props.container.state !== 'running',
        }}
        aria-current={shown() ? 'true' : undefined}
        title={`${displayName(props.container)} — ${props.container.image}\n${status().text}\n${status().title}`}
        onClick={onClick}
      >
        <ContainerStateDot state={props.container.state} stale={!props.host.online} />
        <span class="container-name">{displayName(props.container)}</span>
        <span class="container-image">{props.container.image}</span>
        <span class="container-uptime">
          <Show when={uptime()} fallback={status().text}>
            {(text) => text()}
          </Show>
        </span>
      </button>
      <Show when={!alone()}>
        <button
          type="button"
          class="view-toggle"
          // Not named for the container: its name is the row's own button's.
          aria-label={shown() ? 'Remove from the view' : 'Add to the view'}
          title={
            shown()
              ? 'Remove from the view'
              : session.selection.full()
                ? `A view shows at most ${MAX_SHOWN} containers: remove one first`
                : 'Add to the view (or shift-click the container)'
          }
          disabled={!shown() && session.selection.full()}
          onClick={() => session.toggleInView(target())}
        >
          {shown() ? '−' : '+'}
        </button>
      </Show>
    </li>
  );
}
