/**
 * What the bench page (ui-bench-page.tsx) offers bench/ui.bench.ts, as `globalThis.__sidetailBench`.
 * Types only, so the bench (node, no JSX) can import it.
 */
export interface UiBenchApi {
  /** Adds lines, in batches as the logs store would, then lets a frame render them; the lines held after. */
  load(count: number): Promise<number>;
  /** Rows of the list in the DOM. */
  domRows(): number;
  /** Milliseconds from setting a regular expression to its rows laid out, and the lines it kept. */
  filter(query: string): Promise<{ ms: number; kept: number }>;
  /**
   * Appends `rate` lines a second for `seconds`, a frame's share in each animation frame,
   * following. Per frame: the work the append cost (updates, style and layout, forced) and the
   * time since the frame before.
   */
  append(rate: number, seconds: number): Promise<{ lines: number; elapsedMs: number; work: number[]; gaps: number[] }>;
}
