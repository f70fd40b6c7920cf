/**
 * The agent's image (agent/Dockerfile), built and run on the real engine (the run's private
 * dockerd) against the local stack (gateway emulator, real handlers, dynalite): the sidecar sees
 * another container's lines reach a viewer. No registry is reachable, so its base images are
 * assembled here from this machine's node binary and the libraries it links (test/support/node-image.ts)
 * and passed as build arguments; the bundle is built first and handed in with BUNDLE=prebuilt.
 *
 * The engine runs with --bridge=none, so the agent shares the host's network (--network host) to
 * reach the gateway on 127.0.0.1; it runs as the image's non-root user with the socket's group
 * added, the socket mounted read-only, a read-only root filesystem and no capabilities.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildAgentBundle } from '../../agent/build-bundle';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import type { CloudToViewer, LogLine } from '../../protocol';
import { ensureNodeImages, type NodeImages } from '../support/node-image';
import { ViewerClient } from '../support/viewer-client';
import { linesOf } from '../e2e/counted-lines';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const AGENT_IMAGE = 'sidetail-test/agent:latest';
const AGENT_ID = 'sidecar-host';
/** What agent/Dockerfile's build context holds (see .dockerignore), besides the bundle. */
const CONTEXT = ['.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'protocol', 'agent'];

/** Sends the build context as a tar, with the bundle taken from `bundleRoot`, and follows the build. */
async function buildImage(docker: Dockerode, bundleRoot: string, images: NodeImages): Promise<string[]> {
  const tar = spawn('tar', ['-c', '-C', REPO, ...CONTEXT, '-C', bundleRoot, 'dist/agent/sidetail-agent.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stream = await docker.buildImage(tar.stdout, {
    t: AGENT_IMAGE,
    dockerfile: 'agent/Dockerfile',
    buildargs: { BUILD_IMAGE: images.build, RUNTIME_IMAGE: images.runtime, BUNDLE: 'prebuilt' },
    rm: true,
    forcerm: true,
  });
  const events = await new Promise<Array<{ stream?: string; error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ stream?: string; error?: string }>) => (error ? reject(error) : resolve(output))),
  );
  const failed = events.find((e) => e.error !== undefined);
  if (failed) throw new Error(`docker build of agent/Dockerfile failed: ${failed.error}\n${events.map((e) => e.stream ?? '').join('')}`);
  return events.map((e) => e.stream ?? '');
}

async function containerLogs(container: Dockerode.Container): Promise<string> {
  const buffer = await container.logs({ stdout: true, stderr: true });
  // Multiplexed: drop the 8-byte frame headers.
  const texts: string[] = [];
  for (let at = 0; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(at + 4);
    texts.push(buffer.subarray(at + 8, at + 8 + size).toString('utf8'));
    at += 8 + size;
  }
  return texts.join('');
}

describe('the agent image (agent/Dockerfile) as a sidecar on the real engine', () => {
  const docker = dockerFromHost(inject('dockerHost'));
  const socketPath = inject('dockerSocketPath');
  const containers: Dockerode.Container[] = [];
  let images: NodeImages;
  let bundleRoot: string;
  let cloud: LocalCloud;
  let viewer: ViewerClient | undefined;

  beforeAll(async () => {
    images = await ensureNodeImages(docker);
    bundleRoot = await mkdtemp(join(tmpdir(), 'sidetail-agent-context-'));
    await buildAgentBundle(join(bundleRoot, 'dist/agent/sidetail-agent.mjs'));
    await buildImage(docker, bundleRoot, images);
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID });
  }, 300_000);

  afterAll(async () => {
    await viewer?.close();
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => {})));
    await cloud?.stop();
    if (bundleRoot) await rm(bundleRoot, { recursive: true, force: true });
  });

  /** The agent's container, configured as the README says to run it. */
  async function runAgent(env: string[]): Promise<Dockerode.Container> {
    const { gid } = await stat(socketPath);
    const container = await docker.createContainer({
      Image: AGENT_IMAGE,
      Env: [`SIDETAIL_URL=${cloud.wsUrl}`, `SIDETAIL_AGENT_TOKEN=${cloud.agentToken}`, ...env],
      HostConfig: {
        NetworkMode: 'host',
        Binds: [`${socketPath}:/var/run/docker.sock:ro`],
        GroupAdd: [String(gid)],
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
      },
    });
    containers.push(container);
    await container.start();
    return container;
  }

  it('is the runtime base plus the bundle, run as a non-root user', async () => {
    const agent = await docker.getImage(AGENT_IMAGE).inspect();
    const base = await docker.getImage(images.runtime).inspect();

    expect(agent.Config.User).toBe('65532:65532');
    expect(agent.Config.Entrypoint).toEqual(['node', '/app/sidetail-agent.mjs']);
    // Nothing of the build stage (sources, npm, a shell) comes along: only the bundle's megabyte.
    expect(agent.Size - base.Size).toBeLessThan(2 * 1024 * 1024);
    console.log(`[image] ${AGENT_IMAGE}: ${(agent.Size / 1e6).toFixed(1)} MB (base ${(base.Size / 1e6).toFixed(1)} MB, bundle layer ${((agent.Size - base.Size) / 1e3).toFixed(0)} kB)`);
  });

  it('follows another container on the engine and its lines reach a viewer, under the engine\'s host name', async () => {
    const app = await docker.createContainer({
      Image: inject('busyboxImage'),
      name: `app-${Date.now()}`,
      Cmd: ['sh', '-c', 'i=1; while true; do echo "app line $i"; i=$((i+1)); usleep 100000; done'],
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(app);
    await app.start();
    const agent = await runAgent([]);
    // With --network host the container's own host name is the host's too, so this shows the
    // name reaches the dashboard; that it is the engine's, not os.hostname(), is agent-identity.test.ts's.
    const engineName = String(((await docker.info()) as { Name: string }).Name);

    viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewer.send({ action: 'inventory.get' });
    const hostListed = (m: CloudToViewer): boolean =>
      (m.action === 'inventory' && m.hosts.some((h) => h.agentId === AGENT_ID && h.online && h.containers.some((c) => c.id === app.id))) ||
      (m.action === 'host.containers' && m.agentId === AGENT_ID && m.upsert.some((c) => c.id === app.id));
    try {
      await viewer.waitFor(hostListed, 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- agent container log ---\n${await containerLogs(agent)}`);
    }
    viewer.send({ action: 'inventory.get' });
    const inventory = await viewer.waitFor(
      (m): m is Extract<CloudToViewer, { action: 'inventory' }> => m.action === 'inventory' && m.hosts.some((h) => h.agentId === AGENT_ID && h.containers.some((c) => c.id === app.id)),
    );
    expect(inventory.hosts.find((h) => h.agentId === AGENT_ID)?.hostName).toBe(engineName);

    viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: app.id });
    const lines = (): LogLine[] =>
      linesOf(viewer!, app.id);
    await viewer.waitUntil(() => lines().filter((l) => /^app line \d+$/.test(l.text)).length >= 20, 'twenty of the app\'s lines reach the viewer', 60_000);

    const numbers = lines().map((l) => Number(l.text.replace('app line ', '')));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i));
    expect((await agent.inspect()).State.Running).toBe(true);
  });

  it('exits with status 2 and a clear error when its credential is for another agent id than SIDETAIL_AGENT_ID', async () => {
    const agent = await runAgent(['SIDETAIL_AGENT_ID=not-this-one', 'SIDETAIL_HOST_NAME=wrong-id-box']);

    const { StatusCode } = (await agent.wait()) as { StatusCode: number };

    expect(StatusCode).toBe(2);
    expect(await containerLogs(agent)).toContain(
      `The credential (SIDETAIL_AGENT_TOKEN) is for agent "${AGENT_ID}", but SIDETAIL_AGENT_ID (--agent-id) says "not-this-one"`,
    );
  });
});
