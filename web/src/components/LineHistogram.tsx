import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { LogTimeFormat } from '../format/log-time';
import type { LogRow } from '../state/line-buffer';
import { bucketLines, LEVEL_BANDS, type Histogram, type HistogramBucket } from '../state/line-histogram';
import './line-histogram.css';

export interface LineHistogramProps {
  /** The rows in view (filtered as shown). */
  rows: readonly LogRow[];
  time: LogTimeFormat;
  /** A bucket was clicked: show the lines from its earliest one. */
  onJump(ts: string): void;
}

const BUCKETS = 120;
const HEIGHT = 40;
/**
 * While many lines stream in, the counts are redrawn at most this often: counting 100,000 lines
 * each frame would cost the frame. A few thousand are counted at once, as they change.
 */
const REDRAW_MS = 500;
const COUNT_AT_ONCE = 5_000;
const count = new Intl.NumberFormat();

/**
 * The lines in view over time, one bar per equal span, stacked by level (state/line-histogram.ts).
 * SVG elements made by Solid, like every other element here. A click on a bar jumps to its moment.
 */
export function LineHistogram(props: LineHistogramProps) {
  const [histogram, setHistogram] = createSignal<Histogram | undefined>(undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDrawn = 0;
  const draw = () => {
    timer = undefined;
    lastDrawn = performance.now();
    setHistogram(bucketLines(props.rows, BUCKETS));
  };
  createEffect(
    on(
      () => props.rows,
      () => {
        if (timer !== undefined) return;
        const wait = props.rows.length <= COUNT_AT_ONCE ? 0 : lastDrawn + REDRAW_MS - performance.now();
        if (wait <= 0) draw();
        else timer = setTimeout(draw, wait);
      },
    ),
  );
  onCleanup(() => clearTimeout(timer));

  const label = (bucket: HistogramBucket) =>
    bucket.firstTs === undefined ? 'no lines' : `${props.time.format(bucket.firstTs)}: ${count.format(bucket.total)} ${bucket.total === 1 ? 'line' : 'lines'}`;

  return (
    <Show when={histogram()}>
      {(shown) => (
        <div class="line-histogram" role="group" aria-label="Lines over time">
          <span class="histogram-edge">{props.time.format(firstTs(shown()) ?? '')}</span>
          <svg class="histogram-bars" viewBox={`0 0 ${BUCKETS} ${HEIGHT}`} preserveAspectRatio="none">
            <For each={shown().buckets}>
              {(bucket, index) => (
                <g
                  class="histogram-bucket"
                  classList={{ 'is-empty': bucket.total === 0 }}
                  role={bucket.total > 0 ? 'button' : undefined}
                  tabindex={bucket.total > 0 ? 0 : undefined}
                  aria-label={bucket.total > 0 ? `Jump to ${label(bucket)}` : undefined}
                  onClick={() => bucket.firstTs !== undefined && props.onJump(bucket.firstTs)}
                  onKeyDown={(event) => {
                    if ((event.key === 'Enter' || event.key === ' ') && bucket.firstTs !== undefined) {
                      event.preventDefault();
                      props.onJump(bucket.firstTs);
                    }
                  }}
                >
                  <title>{label(bucket)}</title>
                  <rect class="histogram-hit" x={index()} y={0} width={1} height={HEIGHT} />
                  <For each={stacks(bucket, shown().max)}>
                    {(stack) => <rect class={`histogram-bar band-${stack.band}`} x={index() + 0.1} y={stack.y} width={0.8} height={stack.height} />}
                  </For>
                </g>
              )}
            </For>
          </svg>
          <span class="histogram-edge">{props.time.format(lastTs(shown()) ?? '')}</span>
        </div>
      )}
    </Show>
  );
}

function firstTs(histogram: Histogram): string | undefined {
  return histogram.buckets.find((bucket) => bucket.firstTs !== undefined)?.firstTs;
}

function lastTs(histogram: Histogram): string | undefined {
  return histogram.buckets.findLast((bucket) => bucket.firstTs !== undefined)?.firstTs;
}

/** A bucket's bars from the bottom up, errors lowest; a bucket with lines is at least a pixel tall. */
function stacks(bucket: HistogramBucket, max: number): { band: string; y: number; height: number }[] {
  if (bucket.total === 0 || max === 0) return [];
  const out: { band: string; y: number; height: number }[] = [];
  const scale = HEIGHT / max;
  let bottom = HEIGHT;
  for (const band of LEVEL_BANDS) {
    const n = bucket.counts[band];
    if (n === 0) continue;
    const height = Math.max(n * scale, 1);
    bottom -= height;
    out.push({ band, y: bottom, height });
  }
  return out;
}
