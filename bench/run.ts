/**
 * `npm run bench`: runs every benchmark and prints one table of figures and same-run ratios.
 * Not part of `npm test` — speed is measured here, never asserted in tests.
 * `npm run bench -- docker` (names below) runs only those; each bench runs in a process of its own. Headline figures are also printed as
 * `BENCH <name> <value> <unit>` lines, for scripts.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchAgentPipeline } from './agent-pipeline.bench';
import { benchBatchStorage } from './batch-storage.bench';
import { benchOnDocker } from './docker.bench';
import { formatTable, type BenchRow } from './bench-table';
import { benchCatchUp } from './catch-up.bench';
import { benchCost } from './cost.bench';
import { benchE2eVsDockerLogs } from './e2e-vs-docker-logs.bench';
import { benchLambdaBundle } from './lambda-bundle.bench';
import { benchRoundTrip } from './round-trip.bench';
import { canCollectGarbage } from './collect-garbage';
import { benchFanout } from './fanout.bench';
import { benchIngestBatch } from './ingest-batch.bench';
import { benchUi } from './ui.bench';

const benches: Record<string, () => Promise<BenchRow[]>> = {
  'agent-pipeline': benchAgentPipeline,
  'ingest-batch': benchIngestBatch,
  fanout: benchFanout,
  // A private dockerd (root): the agent against `docker logs -t` on 1,000,000 lines, and its RSS following 50 containers.
  docker: benchOnDocker,
  // A private dockerd: the first live line after 100,000 and 1,000,000 unwatched lines.
  'catch-up': benchCatchUp,
  // A private dockerd: USD per GB (1 and 10 viewers) and per watched container-hour, metered through the whole local stack.
  cost: benchCost,
  // A private dockerd: 200,000 lines through the whole local stack against docker logs -t -f.
  e2e: benchE2eVsDockerLogs,
  // A private dockerd: one container's rate with 50 ms per Lambda invocation.
  'round-trip': benchRoundTrip,
  // esbuild, as the CDK stack bundles each handler: the largest bundle.
  'lambda-bundle': benchLambdaBundle,
  // Debian's Chromium: the log view with 100,000 lines (filter, DOM rows, appends per second).
  ui: benchUi,
  // dynalite + the local object store: a GB of realistic logs stored with large batches' bytes in S3, against all in DynamoDB.
  'batch-storage': benchBatchStorage,
};
/** How a bench run in its own process hands its rows back (the last line of its output). */
const ROWS_PREFIX = 'BENCH-ROWS ';

const args = process.argv.slice(2);
if (args[0] === '--one') {
  // One bench, in a process of its own (see below): its rows go back to the parent as JSON.
  const rows = await benches[args[1]!]!();
  console.log(`${ROWS_PREFIX}${JSON.stringify(rows)}`);
} else {
  const gcNote = canCollectGarbage() ? '' : ' (no --expose-gc: noisier)';
  console.log(`Sidetail benchmarks — node ${process.version}, ${os.availableParallelism()} CPUs${gcNote}. ratio = subject / baseline.`);
  const started = performance.now();
  const unknown = args.filter((name) => !(name in benches));
  if (unknown.length > 0) throw new Error(`no bench named ${unknown.join(', ')}; there are: ${Object.keys(benches).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const name of Object.keys(benches)) {
    if (args.length > 0 && !args.includes(name)) continue;
    rows.push(...(await inOwnProcess(name)));
  }
  console.log(formatTable(rows));
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * Each bench runs in a fresh process: nothing one leaves behind (garbage, JIT state, a local
 * cloud — whose handlers read their configuration once per process, like a Lambda container)
 * touches the next.
 */
async function inOwnProcess(name: string): Promise<BenchRow[]> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--one', name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let rows: BenchRow[] | undefined;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line.startsWith(ROWS_PREFIX)) rows = JSON.parse(line.slice(ROWS_PREFIX.length)) as BenchRow[];
    else console.log(line);
  });
  const closed = new Promise((resolve) => lines.once('close', resolve));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await closed;
  if (code !== 0 || !rows) throw new Error(`bench ${name} failed (exit code ${code})`);
  return rows;
}
