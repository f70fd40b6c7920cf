import type { GapRow } from '../state/line-buffer';

export interface GapMarkerProps {
  row: GapRow;
}

const count = new Intl.NumberFormat();

/**
 * Where lines are missing: their seqs never reached this dashboard. While `fetching` they are
 * being asked of the cloud's buffer and the gap closes by itself; `missing` means the buffer no
 * longer has them (trimmed or expired).
 */
export function GapMarker(props: GapMarkerProps) {
  const missing = () => props.row.toSeq - props.row.fromSeq + 1;
  return (
    <div class="gap-marker" classList={{ fetching: props.row.state === 'fetching' }} role="separator" title={`seq ${props.row.fromSeq}–${props.row.toSeq}`}>
      <span class="gap-text">
        {count.format(missing())} {missing() === 1 ? 'line' : 'lines'}{' '}
        {props.row.state === 'fetching' ? 'missing here, fetching…' : 'missing here, no longer in the cloud buffer'}
      </span>
    </div>
  );
}
