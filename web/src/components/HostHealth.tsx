import { createMemo, Show } from 'solid-js';
import type { HostInfo } from '../../../protocol';
import { durationText, lagLabel, skipSummary } from '../format/agent-status';

/**
 * What the host's agent last reported about itself (agent.status): a "behind …" badge while its
 * delivery lags, and a "skipped …" badge when it had to skip lines (reasons in the title).
 * Nothing while it is up to date and skipped nothing.
 */
export function HostHealth(props: { host: HostInfo }) {
  const lag = createMemo(() => (props.host.status && props.host.online ? lagLabel(props.host.status) : undefined));
  const skips = createMemo(() => (props.host.status ? skipSummary(props.host.status) : undefined));

  return (
    <>
      <Show when={lag()}>
        {(label) => (
          <span
            class="host-badge is-warn"
            title={`The oldest line this agent holds undelivered is ${durationText(props.host.status!.lagMs)} old (${props.host.status!.pendingLines.toLocaleString('en-US')} lines waiting)`}
          >
            {label()}
          </span>
        )}
      </Show>
      <Show when={skips()}>
        {(summary) => (
          <span class="host-badge" title={summary().title}>
            {summary().text}
          </span>
        )}
      </Show>
    </>
  );
}
