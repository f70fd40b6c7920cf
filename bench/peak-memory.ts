/**
 * The highest heap and RSS a piece of work reaches above where it started. Sampled at points the
 * work chooses (after each batch, say): process.memoryUsage() costs microseconds, so sampling runs
 * are kept apart from timed runs.
 */
import { collectGarbage } from './collect-garbage';

export interface MemoryGrowth {
  readonly heapBytes: number;
  readonly rssBytes: number;
}

export class PeakMemory {
  private readonly startHeap: number;
  private readonly startRss: number;
  private peakHeap: number;
  private peakRss: number;

  /** Starts from a collected heap, so earlier garbage does not count against the work. */
  constructor() {
    collectGarbage();
    const { heapUsed, rss } = process.memoryUsage();
    this.startHeap = this.peakHeap = heapUsed;
    this.startRss = this.peakRss = rss;
  }

  sample(): void {
    const { heapUsed, rss } = process.memoryUsage();
    if (heapUsed > this.peakHeap) this.peakHeap = heapUsed;
    if (rss > this.peakRss) this.peakRss = rss;
  }

  growth(): MemoryGrowth {
    this.sample();
    return { heapBytes: this.peakHeap - this.startHeap, rssBytes: this.peakRss - this.startRss };
  }
}
