/**
 * The agent process killed with SIGKILL mid-stream and started again — nothing of it survives but
 * what the cloud stored — on real parts: the agent as its own process (`node --import tsx
 * agent/main.ts`, configured by its environment as in production), the run's private dockerd,
 * the local gateway emulator running the real handlers, dynalite, and a viewer counting numbered
 * lines (issue 8). The restarted agent registers, the cloud starts the watched stream again with
 * its resume point, and Docker's log gives back what the killed process had not delivered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { allShown, conflictingRepeats, expectedTexts, shownLines, watchAndGo } from './numbered-lines';
import { listedContainer, startCloudAndViewer, waitUntil } from './lifecycle-stack';

const AGENT_ID = 'killed-host';
const LINES = 2_000;
const PAUSE_US = 2_000;

/** The agent as production runs it, on this engine and this cloud. */
function agentProcess(wsUrl: string, token: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, SIDETAIL_URL: wsUrl, SIDETAIL_AGENT_TOKEN: token, DOCKER_HOST: inject('dockerHost') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[agent process] ${chunk.toString('utf8')}`));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('the agent killed with SIGKILL mid-stream and restarted', () => {
  const children: ChildProcess[] = [];
  let stack: Awaited<ReturnType<typeof startCloudAndViewer>> | undefined;
  let container: Dockerode.Container | undefined;

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await stack?.stop();
    await container?.remove({ force: true }).catch(() => {});
  });

  it('loses nothing: every line is shown once, in order, numbered on from where the cloud\'s buffer ended', async () => {
    const docker = dockerFromHost(inject('dockerHost'));
    stack = await startCloudAndViewer(AGENT_ID);
    const first = agentProcess(stack.cloud.wsUrl, stack.cloud.agentToken);
    children.push(first);
    await waitUntil(async () => (await stack!.agents.get(AGENT_ID))?.online === true, 'the agent process registers', 60_000);
    container = await listedContainer(stack, docker, inject('busyboxImage'), AGENT_ID, LINES, PAUSE_US);

    await watchAndGo(stack.viewer, AGENT_ID, container);
    await stack.viewer.waitUntil(() => shownLines(stack!.viewer, container!.id).length > LINES / 3, 'a third of the lines arrive', 60_000);
    first.kill('SIGKILL');
    await exited(first);
    const shownAtKill = shownLines(stack.viewer, container.id).length;
    // The container keeps writing into Docker's log while no agent runs.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = agentProcess(stack.cloud.wsUrl, stack.cloud.agentToken);
    children.push(second);
    await allShown(stack.viewer, container.id, LINES + 1, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(shownAtKill).toBeLessThan(LINES);
    const shown = shownLines(stack.viewer, container.id);
    expect(shown.map((l) => l.text)).toEqual(expectedTexts(LINES));
    expect(shown.map((l) => l.seq)).toEqual(expectedTexts(LINES).map((_, i) => i + 1));
    expect(conflictingRepeats(stack.viewer, container.id)).toEqual([]);
  }, 150_000);
});
