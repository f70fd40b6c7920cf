import { Show } from 'solid-js';
import type { ContainerInfo } from '../../../protocol';
import { containerStatusLabel } from '../format/container-status';
import { uptimeText } from '../format/container-uptime';
import { useSession } from '../session/session-context';
import { displayName } from '../state/inventory-order';
import type { HostView } from '../state/inventory-store';
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

export function ContainerItem(props: ContainerItemProps) {
  const session = useSession();
  const target = () => ({ agentId: props.host.agentId, containerId: props.container.id });
  const status = () => containerStatusLabel(props.container, props.host, props.host.reportedAt[props.container.id]);
  const uptime = () => {
    void props.now;
    if (!props.host.online || props.container.state !== 'running') return undefined;
    return uptimeText(props.container.status, reportedAtOf(props.host, props.container.id), Date.now());
  };

  return (
    <li>
      <button
        type="button"
        class="container-item"
        classList={{
          'is-selected': session.selection.isSelected(target()),
          'is-stopped': props.container.state !== 'running',
        }}
        aria-current={session.selection.isSelected(target()) ? 'true' : undefined}
        title={`${displayName(props.container)} — ${props.container.image}\n${status().text}\n${status().title}`}
        onClick={() => session.select(target())}
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
    </li>
  );
}
