/**
 * Child-process entry: one pass of the agent pipeline or of the baseline over a Docker log file,
 * with its peak heap and RSS growth. A fresh process per subject, because RSS only grows within a
 * process: whatever ran before (generating the input, the other subject) would hide the subject's
 * own growth. The log is read from a file so the child's heap starts small.
 *
 *   node --expose-gc --import tsx bench/agent-pipeline-memory-probe.ts <pipeline|baseline> <log file> <log facts JSON>
 * prints one JSON line: MemoryProbeResult.
 */
import { readFileSync } from 'node:fs';
import { runAgentPipeline } from './agent-pipeline-run';
import { chunked, type DockerLog } from './docker-log-bytes';
import { runMinimalDemux } from './minimal-demux-run';
import { PeakMemory } from './peak-memory';

export type MemoryProbeSubject = 'pipeline' | 'baseline';

/** What the probe needs to know about the log besides its bytes. */
export type LogFacts = Omit<DockerLog, 'bytes'>;

export interface MemoryProbeResult {
  readonly lines: number;
  readonly inputBytes: number;
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly ms: number;
}

const [subject, file, factsJson] = process.argv.slice(2);
if ((subject !== 'pipeline' && subject !== 'baseline') || !file || !factsJson) {
  console.error('usage: agent-pipeline-memory-probe.ts <pipeline|baseline> <log file> <log facts JSON>');
  process.exit(2);
}

const log: DockerLog = { ...(JSON.parse(factsJson) as LogFacts), bytes: readFileSync(file) };
const chunks = chunked(log.bytes);
const peak = new PeakMemory();
const start = process.hrtime.bigint();
if (subject === 'pipeline') await runAgentPipeline(log, chunks, () => peak.sample());
else runMinimalDemux(log.bytes, () => peak.sample());
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const growth = peak.growth();
const result: MemoryProbeResult = { lines: log.lines, inputBytes: log.bytes.length, heapBytes: growth.heapBytes, rssBytes: growth.rssBytes, ms };
console.log(JSON.stringify(result));
