/**
 * How long a viewer opening a container waits for its first live line after the container wrote
 * many lines while nobody watched (a catch-up: the newest lines behind a counted marker), against
 * a container opened for the first time (a plain `tail`) in the same run. Real parts: a private
 * dockerd (as the integration tests start one; needs root), the real agent, the local cloud
 * (gateway emulator, real handlers, dynalite), a real viewer socket.
 *
 * Runs alone with `npx tsx bench/catch-up.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import type Dockerode from 'dockerode';
import { createAgent } from '../agent/agent';
import { startLocalCloud } from '../infra/local/cloud';
import { silentLogger } from '../infra/local/logger';
import type { CloudToViewer } from '../protocol';
import { ensureBusyboxImage } from '../test/support/busybox-image';
import { startDockerEngine } from '../test/support/docker-engine';
import { ViewerClient } from '../test/support/viewer-client';
import { formatTable, type BenchRow } from './bench-table';
import { linesOfPacked, packedOf } from '../test/support/packed-batches';

const AGENT_ID = 'bench-catch-up';
const UNWATCHED = [100_000, 1_000_000];

// Five lines; on SIGUSR1 `n` lines as fast as busybox's seq writes them; on SIGUSR2 a line every 50 ms.
const script = (n: number) => `
trap 'burst=1' USR1
trap 'live=1' USR2
for i in 1 2 3 4 5; do echo "early $i"; done
while [ -z "$burst" ]; do usleep 20000; done
seq 1 ${n}
echo "burst done"
while [ -z "$live" ]; do usleep 20000; done
i=1; while true; do echo "tick $i"; i=$((i+1)); usleep 50000; done
`;

export async function benchCatchUp(): Promise<BenchRow[]> {
  const engine = await startDockerEngine();
  const cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID, logger: silentLogger });
  const agent = createAgent({ url: cloud.wsUrl, token: cloud.agentToken, hostName: 'bench', docker: engine.docker, logger: { info: () => {}, warn: () => {}, error: () => {} } });
  const viewers: ViewerClient[] = [];
  try {
    const image = await ensureBusyboxImage(engine.docker);
    agent.start();
    const rows: BenchRow[] = [];
    for (const n of UNWATCHED) {
      const baseline = await firstLiveLineMs(engine.docker, image, n, false);
      const subject = await firstLiveLineMs(engine.docker, image, n, true);
      rows.push({ bench: 'catch-up', measure: `first live line ms, ${n.toLocaleString('en-US')} lines unwatched (vs never watched)`, subject, baseline });
    }
    return rows;
  } finally {
    await Promise.all(viewers.map((v) => v.close()));
    await agent.stop();
    await cloud.stop();
    await engine.stop();
  }

  /** From the subscribe to the first live line at the viewer; `watchedBefore`: an earlier view left a resume point. */
  async function firstLiveLineMs(docker: Dockerode, image: string, n: number, watchedBefore: boolean): Promise<number> {
    const container = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', script(n)], HostConfig: { NetworkMode: 'none' } });
    await container.start();
    try {
      const viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
      viewers.push(viewer);
      viewer.send({ action: 'inventory.get' });
      await viewer.waitFor((m: CloudToViewer) =>
        m.action === 'inventory'
          ? m.hosts.some((h) => h.containers.some((c) => c.id === container.id))
          : m.action === 'host.containers' && m.upsert.some((c) => c.id === container.id),
      );
      const has = (text: string) => () =>
        linesOfPacked(packedOf(viewer.received, container.id)).some((l) => l.text === text);
      if (watchedBefore) {
        viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id, op: 1 });
        await viewer.waitUntil(has('early 5'), 'the earlier view');
        await new Promise((r) => setTimeout(r, 300));
        viewer.send({ action: 'log.unsubscribe', agentId: AGENT_ID, containerId: container.id, op: 2 });
        await new Promise((r) => setTimeout(r, 500));
      }
      await container.kill({ signal: 'SIGUSR1' });
      for (;;) {
        const tail = (await container.logs({ stdout: true, tail: 1 })) as unknown as Buffer;
        if (tail.toString('latin1').includes('burst done')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id, op: 3 });
      const started = performance.now();
      await container.kill({ signal: 'SIGUSR2' });
      await viewer.waitUntil(has('tick 1'), 'the first live line', 600_000);
      return performance.now() - started;
    } finally {
      await container.remove({ force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatTable(await benchCatchUp()));
}
