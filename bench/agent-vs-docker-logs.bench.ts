/**
 * Is the agent ever the bottleneck? A real container on a private dockerd prints 1,000,000
 * numbered lines and exits; then, in alternation, `docker logs -t` (the Docker CLI, output to
 * /dev/null) and the agent's real follow pipeline (dockerode follow → demuxer → line framer →
 * resume filter → sequencer → batcher, packing each batch as the transport sends it → a sink that
 * takes every batch at once) read the whole log. Both ask Docker for the same thing (the last N lines — all of
 * them — with timestamps), so dockerd's own work is the same; the ratio is docker-logs time / agent
 * time: ≥ 1 means the agent keeps up with Docker's own client.
 *
 * The agent's output is checked — every line once, in order, numbered 1…N — since a fast broken
 * pipeline would be worse than a slow one.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type Docker from 'dockerode';
import { DockerContainerSource } from '../agent/docker/docker-container-source';
import { LogFollower, type BatchSink } from '../agent/docker/log-follower';
import type { Logger } from '../agent/logger';
import type { LineBatch } from '../agent/pipeline/line-batch';
import type { BenchRow } from './bench-table';
import { medianTimes } from './interleaved-timing';
import type { PrivateDocker } from './private-docker';

export const DOCKER_LOG_LINES = Number(process.env.SIDETAIL_BENCH_DOCKER_LINES ?? 1_000_000);
const RUNS = 3;

export class AgentOutputError extends Error {
  override readonly name = 'AgentOutputError';
}

export async function benchAgentVsDockerLogs(engine: PrivateDocker): Promise<BenchRow[]> {
  const container = await printedLines(engine, DOCKER_LOG_LINES);
  try {
    const ms = await medianTimes(
      [
        { name: 'docker logs -t', run: () => dockerLogsCli(engine.dockerHost, container.id) },
        { name: 'agent', run: () => agentFollow(engine.docker, container.id, DOCKER_LOG_LINES) },
      ],
      { warmups: 0, runs: RUNS },
    );
    const agentMs = ms.get('agent')!;
    const dockerMs = ms.get('docker logs -t')!;
    console.log(`BENCH agent_vs_docker_logs ${(dockerMs / agentMs).toFixed(3)} x`);
    console.log(`BENCH agent_follow_${DOCKER_LOG_LINES}_lines_ms ${Math.round(agentMs)} ms`);
    console.log(`BENCH docker_logs_${DOCKER_LOG_LINES}_lines_ms ${Math.round(dockerMs)} ms`);
    const bench = `agent vs docker logs -t, ${DOCKER_LOG_LINES.toLocaleString('en-US')} lines, median of ${RUNS}`;
    return [{ bench, measure: 'lines/s', subject: DOCKER_LOG_LINES / (agentMs / 1000), baseline: DOCKER_LOG_LINES / (dockerMs / 1000) }];
  } finally {
    await container.remove({ force: true });
  }
}

/** A container that printed `count` lines ("line 1" … "line N") and exited: its whole log is in Docker's json-file. */
export async function printedLines(engine: PrivateDocker, count: number): Promise<Docker.Container> {
  const container = await engine.docker.createContainer({
    Image: engine.busyboxImage,
    Cmd: ['awk', `BEGIN { for (i = 1; i <= ${count}; i++) print "line " i }`],
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
  await container.wait();
  return container;
}

function dockerLogsCli(dockerHost: string, containerId: string): Promise<void> {
  const devNull = openSync('/dev/null', 'w');
  try {
    const child = spawn('docker', ['logs', '-t', '--tail', String(DOCKER_LOG_LINES), containerId], {
      stdio: ['ignore', devNull, devNull],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: dockerHost },
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker logs exited ${code}`))));
    });
  } finally {
    closeSync(devNull);
  }
}

/** The agent's follower on the container, until its stream has ended and every line is in a batch. */
export async function agentFollow(docker: Docker, containerId: string, count: number): Promise<void> {
  let lines = 0;
  let lastSeq = 0;
  let outOfOrder = 0;
  let jsonChars = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sink: BatchSink = {
    send(batch: LineBatch) {
      for (const { json } of batch.wire!.messages) jsonChars += json.length;
      for (const line of batch.lines) {
        if (line.seq !== lastSeq + 1 || line.text !== `line ${line.seq}`) outOfOrder += 1;
        lastSeq = line.seq;
      }
      lines += batch.lines.length;
      if (lastSeq >= count) done();
    },
    isCongested: () => false,
    onceDrained: () => () => {},
  };
  const problems: string[] = [];
  const logger: Logger = { info: () => {}, warn: (m) => problems.push(m), error: (m) => problems.push(m) };
  const follower = new LogFollower({
    containerId,
    source: new DockerContainerSource(docker),
    sink,
    logger,
    // A fresh follow of the whole log, as log.stream.start asks for with nothing buffered (no resume point).
    request: { tail: count, epoch: 1 },
    recheckDelayMs: 60_000,
  });
  follower.start();
  const timeout = setTimeout(() => done(), 120_000);
  await finished;
  clearTimeout(timeout);
  follower.stop();
  if (problems.length > 0 || lines !== count || outOfOrder > 0 || jsonChars === 0) {
    throw new AgentOutputError(`expected ${count} lines in order, got ${lines} (${outOfOrder} out of order); ${problems.join(' | ')}`);
  }
}
