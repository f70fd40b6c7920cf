/**
 * `npm run bench`: runs every benchmark and prints one table of figures and same-run ratios.
 * Not part of `npm test` — speed is measured here, never asserted in tests.
 */
import os from 'node:os';
import { benchAgentPipeline } from './agent-pipeline.bench';
import { formatTable, type BenchRow } from './bench-table';
import { benchCatchUp } from './catch-up.bench';
import { canCollectGarbage, collectGarbage } from './collect-garbage';
import { benchFanout } from './fanout.bench';
import { benchIngestBatch } from './ingest-batch.bench';

const gcNote = canCollectGarbage() ? '' : ' (no --expose-gc: noisier)';
console.log(`Sidetail benchmarks — node ${process.version}, ${os.availableParallelism()} CPUs${gcNote}. ratio = subject / baseline.`);
const started = performance.now();
const rows: BenchRow[] = [];
for (const bench of [benchAgentPipeline, benchIngestBatch, benchFanout, benchCatchUp]) {
  rows.push(...(await bench()));
  collectGarbage();
}
console.log(formatTable(rows));
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
