import type { ContainerInfo } from '../../../protocol';
import { containerStatusLabel } from '../format/container-status';
import { useSession } from '../session/session-context';
import { displayName } from '../state/inventory-order';
import type { HostView } from '../state/inventory-store';
import { ContainerStateDot } from './ContainerStateDot';

export interface ContainerItemProps {
  host: HostView;
  container: ContainerInfo;
}

export function ContainerItem(props: ContainerItemProps) {
  const session = useSession();
  const target = () => ({ agentId: props.host.agentId, containerId: props.container.id });
  const status = () => containerStatusLabel(props.container, props.host, props.host.reportedAt[props.container.id]);

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
      </button>
    </li>
  );
}
