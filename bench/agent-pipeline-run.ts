/**
 * One pass of the agent's real log pipeline over in-memory Docker bytes: a LogFollower (demuxer →
 * line framer → resume filter → sequencer → batcher, which packs each batch into its `log.batch`
 * messages as the transport sends them) reading a replayed stream, with a sink that takes them. It resumes just before the first line, so the
 * resume filter runs on every line as it does after any container restart.
 */
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ContainerSource, LogFollow } from '../agent/docker/container-source';
import { LogFollower, type BatchSink } from '../agent/docker/log-follower';
import type { Logger } from '../agent/logger';
import type { LineBatch } from '../agent/pipeline/line-batch';
import type { DockerLog } from './docker-log-bytes';

export interface PipelineOutput {
  readonly lines: number;
  readonly batches: number;
  readonly jsonChars: number;
}

/** A benchmark that measured a broken pipeline would be worse than none. */
export class PipelineOutputError extends Error {
  override readonly name = 'PipelineOutputError';
}

const CONTAINER_ID = 'bench-container';

/** `afterBatch` sees each encoded `log.batch` (to sample memory, or to keep realistic bodies). */
export async function runAgentPipeline(
  log: DockerLog,
  chunks: readonly Buffer[],
  afterBatch?: (json: string) => void,
): Promise<PipelineOutput> {
  let stream: Readable | undefined;
  const source = replaySource(() => (stream = Readable.from(chunks)));
  const collected = collectingSink(afterBatch);
  const problems: string[] = [];
  const logger: Logger = { info: () => {}, warn: (msg) => problems.push(msg), error: (msg) => problems.push(msg) };
  const follower = new LogFollower({
    containerId: CONTAINER_ID,
    source,
    sink: collected.sink,
    logger,
    request: { tail: 0, resume: { seq: 1, ts: log.firstTs, textsAtTs: [log.firstText] }, epoch: 1 },
  });
  follower.start();
  await waitFor(() => stream !== undefined);
  await finished(stream!);
  await waitFor(() => follower.state === 'ended');
  follower.stop();

  const output = collected.output();
  // The first line is the resume point's own, so it is dropped; every other line must arrive in order.
  if (problems.length > 0) throw new PipelineOutputError(`the pipeline reported: ${problems.join(' | ')}`);
  if (output.lines !== log.lines - 1 || follower.lastSeq !== log.lines) {
    throw new PipelineOutputError(`expected ${log.lines - 1} lines up to seq ${log.lines}, got ${output.lines} up to seq ${follower.lastSeq}`);
  }
  return output;
}

function collectingSink(afterBatch?: (json: string) => void): { sink: BatchSink; output(): PipelineOutput } {
  let lines = 0;
  let batches = 0;
  let jsonChars = 0;
  const sink: BatchSink = {
    send(batch: LineBatch) {
      // The batcher packed it (to size it); delivery would send these very texts.
      for (const { json } of batch.wire!.messages) {
        jsonChars += json.length;
        afterBatch?.(json);
      }
      lines += batch.lines.length;
      batches += 1;
    },
    isCongested: () => false,
    onceDrained: () => () => {},
  };
  return { sink, output: () => ({ lines, batches, jsonChars }) };
}

/**
 * A container whose log is the given stream. It reports itself stopped, so that once the replay
 * ends the follower waits instead of following again.
 */
function replaySource(open: () => Readable): ContainerSource {
  return {
    address: 'memory://bench',
    list: async () => [],
    events: async () => Readable.from([]),
    inspect: async () => ({ running: false, tty: false }),
    follow: async (): Promise<LogFollow> => ({ stream: open(), mode: 'multiplexed' }),
  };
}

/** The follower reacts on later ticks; yield to the event loop until it has (bounded, never spins forever). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let tick = 0; tick < 1000; tick++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new PipelineOutputError('the follower did not reach the expected state');
}
