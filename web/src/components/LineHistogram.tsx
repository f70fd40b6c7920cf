import { createEffect, createSignal, Index, on, onCleanup, Show } from 'solid-js';
import type { LogTimeFormat } from '../format/log-time';
import type { LogRow } from '../state/line-buffer';
import { createLineBuckets, LEVEL_BANDS, type Histogram, type HistogramBucket } from '../state/line-histogram';
import './line-histogram.css';

export interface LineHistogramProps {
  /** The rows in view (filtered as shown). */
  rows: readonly LogRow[];
  /** The changes to `rows` other than appends at the end and drops at the front (the row filter's `rewrites`). */
  rewrites: number;
  time: LogTimeFormat;
  /** A bucket was clicked: show the lines from its earliest one. */
  onJump(ts: string): void;
  /** The filter the rows went through: when it changes, the counts are redrawn at once (not as lines arriving are). */
  filter?: unknown;
}

const BUCKETS = 120;
const HEIGHT = 40;
/**
 * The counts are redrawn at most this often while lines stream in (the first at once): a redraw
 * touches every bar, and counting 100,000 lines costs a frame of its own.
 */
const REDRAW_MS = 250;
const REDRAW_MANY_MS = 1_000;
const MANY_LINES = 20_000;
const count = new Intl.NumberFormat();

/**
 * The lines in view over time, one bar per equal span, stacked by level (state/line-histogram.ts).
 * SVG elements made by Solid, like every other element here. A click on a bar jumps to its moment.
 */
export function LineHistogram(props: LineHistogramProps) {
  const [histogram, setHistogram] = createSignal<Histogram | undefined>(undefined);
  const bucketLines = createLineBuckets();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDrawn = 0;
  const draw = () => {
    timer = undefined;
    lastDrawn = performance.now();
    setHistogram(bucketLines({ rows: props.rows, rewrites: props.rewrites }, BUCKETS));
  };
  createEffect(
    on(
      () => props.rows,
      () => {
        if (timer !== undefined) return;
        const every = props.rows.length > MANY_LINES ? REDRAW_MANY_MS : REDRAW_MS;
        const wait = histogram() === undefined ? 0 : lastDrawn + every - performance.now();
        if (wait <= 0) draw();
        else timer = setTimeout(draw, wait);
      },
    ),
  );
  // Another filter is the reader's doing: show its counts now.
  createEffect(
    on(
      () => props.filter,
      () => {
        clearTimeout(timer);
        draw();
      },
      { defer: true },
    ),
  );
  onCleanup(() => clearTimeout(timer));

  const jump = (bucket: HistogramBucket) => {
    if (bucket.firstTs !== undefined) props.onJump(bucket.firstTs);
  };
  const label = (bucket: HistogramBucket) =>
    bucket.firstTs === undefined ? 'no lines' : `${props.time.format(bucket.firstTs)}: ${count.format(bucket.total)} ${bucket.total === 1 ? 'line' : 'lines'}`;

  return (
    <Show when={histogram()}>
      {(shown) => (
        <div class="line-histogram" role="group" aria-label="Lines over time">
          <span class="histogram-edge">{props.time.format(firstTs(shown()) ?? '')}</span>
          <svg class="histogram-bars" viewBox={`0 0 ${BUCKETS} ${HEIGHT}`} preserveAspectRatio="none">
            {/* By index: a redraw changes the bars' attributes, and makes no element. */}
            <Index each={shown().buckets}>
              {(bucket, index) => (
                <g
                  class="histogram-bucket"
                  classList={{ 'is-empty': bucket().total === 0 }}
                  role={bucket().total > 0 ? 'button' : undefined}
                  tabindex={bucket().total > 0 ? 0 : undefined}
                  aria-label={bucket().total > 0 ? `Jump to ${label(bucket())}` : undefined}
                  onClick={() => jump(bucket())}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      jump(bucket());
                    }
                  }}
                >
                  <title>{label(bucket())}</title>
                  <rect class="histogram-hit" x={index} y={0} width={1} height={HEIGHT} />
                  <Index each={stacks(bucket(), shown().max)}>
                    {(stack, band) => <rect class={`histogram-bar band-${LEVEL_BANDS[band]}`} x={index + 0.1} y={stack().y} width={0.8} height={stack().height} />}
                  </Index>
                </g>
              )}
            </Index>
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

/** A bucket's bars, one per band from the bottom up (errors lowest; an absent band 0 tall); one with lines is at least a pixel tall. */
function stacks(bucket: HistogramBucket, max: number): { y: number; height: number }[] {
  const scale = max === 0 ? 0 : HEIGHT / max;
  let bottom = HEIGHT;
  return LEVEL_BANDS.map((band) => {
    const n = bucket.counts[band];
    const height = n === 0 ? 0 : Math.max(n * scale, 1);
    bottom -= height;
    return { y: bottom, height };
  });
}
