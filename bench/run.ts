/**
 * `npm run bench`: runs every benchmark and prints one table of figures and same-run ratios.
 * Not part of `npm test` — speed is measured here, never asserted in tests.
 * `npm run bench -- docker` (names below) runs only those. Headline figures are also printed as
 * `BENCH <name> <value> <unit>` lines, for scripts.
 */
import os from 'node:os';
import { benchAgentPipeline } from './agent-pipeline.bench';
import { benchOnDocker } from './docker.bench';
import { formatTable, type BenchRow } from './bench-table';
import { benchCatchUp } from './catch-up.bench';
import { canCollectGarbage, collectGarbage } from './collect-garbage';
import { benchFanout } from './fanout.bench';
import { benchIngestBatch } from './ingest-batch.bench';

const gcNote = canCollectGarbage() ? '' : ' (no --expose-gc: noisier)';
console.log(`Sidetail benchmarks — node ${process.version}, ${os.availableParallelism()} CPUs${gcNote}. ratio = subject / baseline.`);
const started = performance.now();
const rows: BenchRow[] = [];
const benches: Record<string, () => Promise<BenchRow[]>> = {
  'agent-pipeline': benchAgentPipeline,
  'ingest-batch': benchIngestBatch,
  fanout: benchFanout,
  // A private dockerd (root): the agent against `docker logs -t` on 1,000,000 lines, and its RSS following 50 containers.
  docker: benchOnDocker,
  // A private dockerd: the first live line after 100,000 and 1,000,000 unwatched lines.
  'catch-up': benchCatchUp,
};
const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in benches));
if (unknown.length > 0) throw new Error(`no bench named ${unknown.join(', ')}; there are: ${Object.keys(benches).join(', ')}`);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  rows.push(...(await bench()));
  collectGarbage();
}
console.log(formatTable(rows));
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
