/**
 * How much memory the agent needs to follow many busy containers: 50 containers on a private
 * dockerd, each printing about 200 numbered lines a second, followed by one agent *process* —
 * the bundle as it ships (`npm run build:agent`, built here into a temp directory) on plain node —
 * talking to a cloud that acks every batch at once. The figure is
 * the process's peak resident set (the kernel's VmHWM) over the run; the baseline is the same
 * process's, idle — connected and registered, following nothing — before the streams start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { buildAgentBundle } from '../agent/build-bundle';
import { AckingCloud } from './acking-cloud';
import type { BenchRow } from './bench-table';
import type { PrivateDocker } from './private-docker';

const CONTAINERS = 50;
/** How long the agent follows all 50 after every stream has delivered (peak memory is reached early; this shows it holds). */
const FOLLOW_MS = 20_000;
const MB = 1024 * 1024;

// Blocks of 20 lines, 0.1 s apart: ~200 lines/s each, ~10,000 lines/s for all 50.
const BUSY_SCRIPT = 'i=0; while true; do i=$((i+1)); echo "busy line $i: GET /api/items/$i 200 3ms"; if [ $((i % 20)) -eq 0 ]; then usleep 100000; fi; done';

export async function benchAgentRss(engine: PrivateDocker): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sidetail-bench-agent-'));
  const { outfile } = await buildAgentBundle(join(dir, 'sidetail-agent.mjs'));
  const containers = await Promise.all(Array.from({ length: CONTAINERS }, () => busyContainer(engine)));
  const cloud = await AckingCloud.start();
  const agent = startAgent(outfile, cloud.url, engine.dockerHost);
  try {
    await until(() => cloud.registered, 'the agent registers');
    // Registered, following nothing: the idle baseline.
    await sleep(3_000);
    const idle = await memoryOf(agent.pid!);
    cloud.startStreams(containers.map((c) => c.id));
    await until(() => cloud.streaming.size === CONTAINERS, `all ${CONTAINERS} streams deliver`, 60_000);
    const linesBefore = cloud.lines;
    await sleep(FOLLOW_MS);
    const linesPerSecond = (cloud.lines - linesBefore) / (FOLLOW_MS / 1000);
    const busy = await memoryOf(agent.pid!);
    console.log(`BENCH agent_rss_50_containers_mb ${(busy.peakRss / MB).toFixed(1)} MB`);
    console.log(`BENCH agent_rss_idle_mb ${(idle.peakRss / MB).toFixed(1)} MB`);
    console.log(`BENCH agent_50_containers_lines_per_s ${Math.round(linesPerSecond)} lines/s`);
    return [
      {
        bench: `agent process, ${CONTAINERS} busy containers (${Math.round(linesPerSecond).toLocaleString('en-US')} lines/s) vs idle`,
        measure: 'peak RSS MB',
        subject: busy.peakRss / MB,
        baseline: idle.peakRss / MB,
      },
    ];
  } finally {
    agent.kill('SIGKILL');
    await exitOf(agent);
    await cloud.close();
    await Promise.all(containers.map((c) => c.remove({ force: true })));
    await rm(dir, { recursive: true, force: true });
  }
}

async function busyContainer(engine: PrivateDocker): Promise<Docker.Container> {
  const container = await engine.docker.createContainer({ Image: engine.busyboxImage, Cmd: ['sh', '-c', BUSY_SCRIPT], HostConfig: { NetworkMode: 'none' } });
  await container.start();
  return container;
}

/** The agent bundle on plain node, with its environment and nothing else. */
function startAgent(bundle: string, url: string, dockerHost: string): ChildProcess {
  const child = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SIDETAIL_URL: url, SIDETAIL_AGENT_TOKEN: 'bench-credential.bench-secret-bench-secret-bench-secret', DOCKER_HOST: dockerHost },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** The kernel's account of the process: peak (VmHWM) and current (VmRSS) resident set, in bytes. */
async function memoryOf(pid: number): Promise<{ peakRss: number; rss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peakRss: kb('VmHWM'), rss: kb('VmRSS') };
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting until ${what}`);
    await sleep(100);
  }
}
