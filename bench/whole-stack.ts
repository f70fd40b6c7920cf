/**
 * The whole local stack for the cost and speed benches: the local cloud (gateway emulator, real
 * handlers, dynalite; metered when given a meter), the real agent on the private engine — in a
 * process of its own, as a sidecar runs: in one process it would take turns with the handlers
 * and dynalite, and its batches would be as small as that makes them, never as on AWS — and
 * counting viewers that subscribe to a container before it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../infra/local/cloud';
import { silentLogger } from '../infra/local/logger';
import type { LocalMeter } from '../infra/local/metering/local-meter';
import { CountingViewer, ExactlyOnceError } from './counting-viewer';
import type { PrivateDocker } from './private-docker';

export interface WholeStack {
  readonly engine: PrivateDocker;
  readonly cloud: LocalCloud;
  readonly agent: ChildProcess;
  /** What the agent logged as warnings and errors (printed if a bench fails). */
  readonly agentProblems: string[];
  stop(): Promise<void>;
}

export async function startWholeStack(
  engine: PrivateDocker,
  options: { readonly agentId: string; readonly meter?: LocalMeter; readonly gateway?: LocalCloudOptions['gateway'] },
): Promise<WholeStack> {
  const cloud = await startLocalCloud({ agentId: options.agentId, logger: silentLogger, ...(options.meter ? { meter: options.meter } : {}), ...(options.gateway ? { gateway: options.gateway } : {}) });
  const agentProblems: string[] = [];
  const agent = spawn(process.execPath, ['--import', 'tsx', AGENT_MAIN], {
    env: { ...process.env, SIDETAIL_URL: cloud.wsUrl, SIDETAIL_AGENT_TOKEN: cloud.agentToken, SIDETAIL_HOST_NAME: 'bench-host', DOCKER_HOST: engine.dockerHost },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  agent.stderr!.setEncoding('utf8').on('data', (text: string) => agentProblems.push(...text.split('\n').filter((line) => line.length > 0)));
  return {
    engine,
    cloud,
    agent,
    agentProblems,
    async stop() {
      if (agent.exitCode === null) {
        agent.kill('SIGTERM');
        await once(agent, 'exit');
      }
      await cloud.stop();
    },
  };
}

/**
 * `count` viewers connected and subscribed to the container, each counting lines numbered
 * 1…`lines`, once each has seen the container's "ready" (its stream is live).
 */
export async function watchedByViewers(stack: WholeStack, container: Docker.Container, count: number, lines: number): Promise<CountingViewer[]> {
  const viewers: CountingViewer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const viewer = await CountingViewer.connect(stack.cloud.wsUrl, stack.cloud.viewerToken);
      viewers.push(viewer);
      viewer.watch(container.id, lines);
      viewer.send({ action: 'inventory.get' });
      await viewer.waitFor(
        (m) =>
          m.action === 'inventory'
            ? m.hosts.some((h) => h.containers.some((c) => c.id === container.id && c.state === 'running'))
            : m.action === 'host.containers' && m.upsert.some((c) => c.id === container.id && c.state === 'running'),
        30_000,
        'the container listed as running',
      );
      viewer.send({ action: 'log.subscribe', agentId: stack.cloud.agentId, containerId: container.id, op: 1 });
    }
    await Promise.all(
      viewers.map((viewer) =>
        viewer.waitUntil(
          () => viewer.unnumbered.includes('ready') || viewer.others.some((m) => m.action === 'error'),
          30_000,
          () => 'the container’s "ready" at a subscribed viewer',
        ),
      ),
    );
    const refused = viewers.flatMap((viewer) => viewer.others.filter((m) => m.action === 'error'));
    if (refused.length > 0) throw new ExactlyOnceError(`a viewer's subscribe was refused: ${JSON.stringify(refused[0])}`);
    return viewers;
  } catch (error) {
    await Promise.all(viewers.map((viewer) => viewer.close()));
    throw error;
  }
}

const AGENT_MAIN = fileURLToPath(new URL('../agent/main.ts', import.meta.url));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
