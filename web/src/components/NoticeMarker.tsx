import { createMemo } from 'solid-js';
import { containerStatusLabel } from '../format/container-status';
import type { LogTimeFormat } from '../format/log-time';
import type { NoticeRow } from '../state/line-buffer';

export interface NoticeMarkerProps {
  row: NoticeRow;
  time: LogTimeFormat;
}

const CONTAINER_WORDS: Record<string, string> = {
  running: 'container started',
  exited: 'container stopped',
  dead: 'container died',
  restarting: 'container restarting',
  paused: 'container paused',
  created: 'container created',
  removing: 'container being removed',
};

/**
 * Something that happened around the lines (state/line-buffer.ts NoticeRow): the dashboard's
 * connection coming back, or the container changing state. Text only.
 */
export function NoticeMarker(props: NoticeMarkerProps) {
  const when = createMemo(() => props.time.format(new Date(props.row.at).toISOString()));
  const text = () => {
    if (props.row.notice === 'reconnected') return `reconnected at ${when()} — lines missed meanwhile follow from the cloud's buffer`;
    const state = props.row.state ?? '';
    // A state this dashboard has no word for is named as Docker named it; none at all, as a change.
    const words = CONTAINER_WORDS[state] ?? (state ? `container ${state}` : 'container changed state');
    // Only what the state word does not say already: an exit code, a health.
    const label = containerStatusLabel({ state, status: props.row.status ?? '' }, { online: true }).text;
    return `${words} at ${when()}${label === state || !state ? '' : ` · ${label}`}`;
  };
  return (
    <div class="notice-marker" classList={{ [`notice-${props.row.notice}`]: true, [`notice-state-${props.row.state ?? ''}`]: props.row.notice === 'container' }} role="separator">
      <span class="gap-text">{text()}</span>
    </div>
  );
}
