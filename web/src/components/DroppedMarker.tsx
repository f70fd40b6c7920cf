const count = new Intl.NumberFormat();

export interface DroppedMarkerProps {
  count: number;
  /** Where the list puts it, px from the top of its page (above it, the height of rows dropped while paused). */
  top?: number;
}

/**
 * At the top of a view that reached its cap (state/line-buffer.ts DEFAULT_CAPACITY): how many of
 * its oldest rows were dropped to keep it bounded. They are not lost — the cloud's buffer keeps
 * batches for its retention — but this view does not load them back while it holds its cap, so
 * reaching the top shows this instead of loading older lines.
 */
export function DroppedMarker(props: DroppedMarkerProps) {
  return (
    <div
      class="dropped-marker"
      style={{ transform: `translateY(${props.top ?? 0}px)` }}
      role="separator"
      title="This view keeps its newest lines only. The cloud's buffer still holds older ones for its retention (24 h by default)."
    >
      <span class="gap-text">
        {count.format(props.count)} older {props.count === 1 ? 'line' : 'lines'} dropped from view — still in the cloud buffer
      </span>
    </div>
  );
}
