/**
 * What the bench page (ui-bench-page.tsx) offers bench/ui.bench.ts, as `globalThis.__sidetailBench`.
 * Types only, so the bench (node, no JSX) can import it.
 */
export interface UiBenchApi {
  /** Adds lines, in batches as the logs store would, then lets a frame render them; the lines held after. */
  load(count: number): Promise<number>;
  /** Rows of the list in the DOM. */
  domRows(): number;
  /**
   * Milliseconds from setting a regular expression to its rows laid out, the lines it kept, and
   * what the view showed then: its line rows, and how many of them the expression does not match.
   */
  filter(query: string): Promise<FilterRun>;
  /**
   * Appends `rate` lines a second for `seconds`, a frame's share in each animation frame,
   * following. Per frame: the work the append cost (updates, style and layout, forced) and the
   * time since the frame before (requestAnimationFrame's own timestamps: a dropped frame shows).
   * `appendFrames` frames appended lines; in `shownFrames` of them the newest line was in the DOM,
   * inside the viewport, once the frame's work was done.
   */
  append(rate: number, seconds: number): Promise<AppendRun>;
}

export interface FilterRun {
  readonly ms: number;
  readonly kept: number;
  readonly shown: number;
  readonly shownUnmatched: number;
}

export interface AppendRun {
  readonly lines: number;
  readonly elapsedMs: number;
  readonly work: number[];
  readonly gaps: number[];
  readonly appendFrames: number;
  readonly shownFrames: number;
}
