import { createMemo } from 'solid-js';
import type { LogTimeFormat } from '../format/log-time';
import { skipText } from '../format/skip-text';
import type { SkipRow } from '../state/line-buffer';

export interface SkipMarkerProps {
  row: SkipRow;
  time: LogTimeFormat;
}

/**
 * Where the agent skipped lines and said so (a skip marker, docs/reliability.md): how many, why,
 * between which times. Rendered from the marker's fields, as text only.
 */
export function SkipMarker(props: SkipMarkerProps) {
  const text = createMemo(() => skipText(props.row.skipped, props.time));
  return (
    <div
      class="skip-marker"
      classList={{ [`skip-${props.row.skipped.reason}`]: true }}
      role="separator"
      title={`${text().explanation}\n${props.row.skipped.from} – ${props.row.skipped.to} · seq ${props.row.seq}`}
    >
      <span class="gap-text">
        {text().summary} <span class="skip-span">({text().span})</span>
      </span>
    </div>
  );
}
