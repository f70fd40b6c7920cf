import type { GapRow } from '../state/line-buffer';

export interface GapMarkerProps {
  row: GapRow;
}

const count = new Intl.NumberFormat();

/** Where lines are missing: their seqs never reached this dashboard (expired from the cloud buffer, or lost). */
export function GapMarker(props: GapMarkerProps) {
  const missing = () => props.row.toSeq - props.row.fromSeq + 1;
  return (
    <div class="gap-marker" role="separator" title={`seq ${props.row.fromSeq}–${props.row.toSeq}`}>
      <span class="gap-text">
        {count.format(missing())} {missing() === 1 ? 'line' : 'lines'} missing here
      </span>
    </div>
  );
}
