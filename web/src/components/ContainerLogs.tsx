import { createEffect, createMemo, onCleanup, Show } from 'solid-js';
import type { ContainerRef } from '../../../protocol';
import { useSession } from '../session/session-context';
import { containerStatusLabel } from '../format/container-status';
import { displayName } from '../state/inventory-order';
import { streamNotice } from '../state/stream-notice';
import { ContainerStateDot } from './ContainerStateDot';
import { LogReader } from './LogReader';

export interface ContainerLogsProps {
  target: ContainerRef;
  /** A pane among others: no filters or histogram of its own (they are shared), and a way out of the view. */
  pane?: { readonly colour: string; onRemove(): void };
}

/** One container: its header (name, image, host, state), and its lines to read. */
export function ContainerLogs(props: ContainerLogsProps) {
  const session = useSession();
  const logs = createMemo(() => session.logs.view(props.target));
  const found = createMemo(() => session.inventory.find(props.target));
  const name = () => {
    const info = found();
    return info ? displayName(info.container) : props.target.containerId.slice(0, 12);
  };
  const notice = () => streamNotice({ connection: session.connection.state().status, host: found()?.host });
  // A pane's title is the view's (LogPanes.tsx).
  createEffect(() => {
    if (!props.pane) document.title = `${name()} · Sidetail`;
  });
  onCleanup(() => {
    if (!props.pane) document.title = 'Sidetail';
  });

  return (
    <LogReader
      logs={logs()}
      name={name()}
      notice={notice()}
      compact={props.pane !== undefined}
      onTopReached={() => session.logs.loadOlder(props.target)}
      title={
        <>
          <Show when={found()}>
            {(info) => <ContainerStateDot state={info().container.state} stale={!info().host.online} />}
          </Show>
          <Show when={props.pane}>{(pane) => <span class="source-swatch" style={{ background: pane().colour }} aria-hidden="true" />}</Show>
          <h2 class="log-name">{name()}</h2>
          <Show when={found()}>
            {(info) => (
              <span class="log-meta">
                <span class="log-image">{info().container.image}</span>
                <span class="log-sep">·</span>
                <span>{info().host.hostName}</span>
                <span class="log-sep">·</span>
                <span class="log-status" title={containerStatusLabel(info().container, info().host).title}>
                  {containerStatusLabel(info().container, info().host).text}
                </span>
              </span>
            )}
          </Show>
          <Show when={props.pane}>
            {(pane) => (
              <button type="button" class="view-remove" aria-label={`Remove ${name()} from the view`} title="Remove from the view" onClick={() => pane().onRemove()}>
                ×
              </button>
            )}
          </Show>
        </>
      }
    />
  );
}
