/**
 * How fast, and how lean, the agent turns Docker log bytes into `log.batch` JSON — as ratios to the
 * minimal demux-decode-split-serialize baseline on the same bytes in the same run.
 *
 * Throughput: the median of interleaved runs over a quarter-million-line log (the rate does not
 * depend on length, and it keeps the whole bench well inside its time budget). Memory: one pass
 * over a million lines per subject, each in a fresh process (see agent-pipeline-memory-probe.ts),
 * reported relative to the input size. Both subjects stream, so their peak growth stays about
 * the same however long the log (mostly young-generation garbage awaiting a scavenge): the
 * ratios to input size fall as the input grows, and only a rise at the same size means a leak.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LogFacts, MemoryProbeResult, MemoryProbeSubject } from './agent-pipeline-memory-probe';
import { runAgentPipeline } from './agent-pipeline-run';
import type { BenchRow } from './bench-table';
import { chunked, generateDockerLog, type DockerLog } from './docker-log-bytes';
import { medianTimes } from './interleaved-timing';
import { runMinimalDemux } from './minimal-demux-run';

const THROUGHPUT_LINES = 250_000;
const MEMORY_LINES = 1_000_000;
const WARMUPS = 1;
const RUNS = 5;
const MB = 1024 * 1024;

export async function benchAgentPipeline(): Promise<BenchRow[]> {
  const log = generateDockerLog({ lines: THROUGHPUT_LINES });
  const chunks = chunked(log.bytes);
  const ms = await medianTimes(
    [
      { name: 'pipeline', run: () => runAgentPipeline(log, chunks) },
      { name: 'baseline', run: () => runMinimalDemux(log.bytes) },
    ],
    { warmups: WARMUPS, runs: RUNS },
  );
  const bench = `agent pipeline, ${count(log.lines)} lines (${(log.bytes.length / MB).toFixed(1)} MB), median of ${RUNS}`;
  const linesPerSecond = (name: string) => log.lines / (ms.get(name)! / 1000);
  const mbPerSecond = (name: string) => log.bytes.length / MB / (ms.get(name)! / 1000);

  const { pipeline, baseline } = await probeMemory(generateDockerLog({ lines: MEMORY_LINES }));
  const memoryBench = `agent pipeline, ${count(pipeline.lines)} lines (${(pipeline.inputBytes / MB).toFixed(1)} MB), one pass`;
  return [
    { bench, measure: 'lines/s', subject: linesPerSecond('pipeline'), baseline: linesPerSecond('baseline') },
    { bench, measure: 'MB/s', subject: mbPerSecond('pipeline'), baseline: mbPerSecond('baseline') },
    { bench: memoryBench, measure: 'lines/s (cold)', subject: pipeline.lines / (pipeline.ms / 1000), baseline: baseline.lines / (baseline.ms / 1000) },
    { bench: memoryBench, measure: 'peak heap Δ / input', subject: pipeline.heapBytes / pipeline.inputBytes, baseline: baseline.heapBytes / baseline.inputBytes },
    { bench: memoryBench, measure: 'peak RSS Δ / input', subject: pipeline.rssBytes / pipeline.inputBytes, baseline: baseline.rssBytes / baseline.inputBytes },
  ];
}

/** Both subjects over the same log, each in its own process, one after the other so each has the machine to itself. */
async function probeMemory(log: DockerLog): Promise<Record<MemoryProbeSubject, MemoryProbeResult>> {
  const dir = await mkdtemp(join(tmpdir(), 'sidetail-bench-'));
  try {
    const file = join(dir, 'docker-log.bin');
    await writeFile(file, log.bytes);
    const facts: LogFacts = { lines: log.lines, firstTs: log.firstTs, firstText: log.firstText };
    const pipeline = await runProbe('pipeline', file, facts);
    const baseline = await runProbe('baseline', file, facts);
    return { pipeline, baseline };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runProbe(subject: MemoryProbeSubject, file: string, facts: LogFacts): Promise<MemoryProbeResult> {
  const script = fileURLToPath(new URL('./agent-pipeline-memory-probe.ts', import.meta.url));
  // The parent's own flags (--expose-gc, --import tsx) are what the probe needs too.
  const args = [...process.execArgv, script, subject, file, JSON.stringify(facts)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000, maxBuffer: MB });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryProbeResult;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
