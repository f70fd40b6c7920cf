/**
 * Wall-clock timing of contenders run in alternation, so that drift in the machine (another
 * process, thermal throttling, a slow GC) hits each of them alike; the median of the runs is kept
 * because a single outlier (a major GC, a scheduler hiccup) would otherwise decide the ratio.
 */
import { collectGarbage } from './collect-garbage';

export interface Contender {
  readonly name: string;
  run(): unknown;
}

export interface TimingPlan {
  readonly warmups: number;
  readonly runs: number;
}

/** Median milliseconds per contender name. */
export async function medianTimes(contenders: readonly Contender[], plan: TimingPlan): Promise<Map<string, number>> {
  for (let i = 0; i < plan.warmups; i++) for (const contender of contenders) await contender.run();
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < plan.runs; i++) {
    for (const contender of contenders) {
      // Collect the previous run's garbage now, so it is not charged to this contender.
      collectGarbage();
      const start = process.hrtime.bigint();
      await contender.run();
      samples.get(contender.name)!.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return new Map([...samples].map(([name, ms]) => [name, median(ms)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
