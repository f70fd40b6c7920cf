/**
 * A container that prints its last lines and is removed at once (`docker run --rm`, `docker rm -f`,
 * a crashed job cleaned up): its log file goes with it, so the agent is the only one left holding
 * those lines. On real parts: the run's private dockerd, the real agent, the local cloud (gateway
 * emulator, real handlers, dynalite) and a viewer.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import type { CloudToViewer, LogLine } from '../../protocol';
import { ViewerClient } from '../support/viewer-client';
import { linesOf } from './counted-lines';

const AGENT_ID = 'removed-host';
const LINES = 3001;

// Says it is ready, waits for SIGUSR1 (sent once "ready" reached the viewer: the stream is live),
// prints LINES numbered lines as fast as it can, then exits (or sleeps, for the `rm -f` case).
const script = (then: string): string => `
trap 'go=1' USR1
echo ready
while [ -z "$go" ]; do usleep 20000; done
i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); done
${then}
`;

const expected = ['ready', ...Array.from({ length: LINES }, (_, i) => `line ${i + 1}`)];

describe('a container removed right after printing its last lines', () => {
  let docker: Dockerode;
  let cloud: LocalCloud;
  let agent: Agent;
  const viewers: ViewerClient[] = [];
  const containers: Dockerode.Container[] = [];

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    // AWS's ~20 ms per PostToConnection: delivery takes as long as it does there, so the container
    // is gone well before its 3,001 lines (7 batches, one in flight at a time) are all acked.
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID, gateway: { postToConnectionDelayMs: 20 } });
    agent = createAgent({
      url: cloud.wsUrl,
      token: cloud.agentToken,
      hostName: 'removed-host.test',
      docker,
      logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
    });
    agent.start();
  });

  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.close()));
    await agent?.stop();
    await cloud?.stop();
    // Removed by the tests themselves, unless one failed first.
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => {})));
  });

  /** A viewer subscribed to a fresh container running `then` after its lines; resolves once its stream is live. */
  async function watched(then: string, autoRemove: boolean): Promise<{ container: Dockerode.Container; viewer: ViewerClient }> {
    const container = await docker.createContainer({
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', script(then)],
      HostConfig: { NetworkMode: 'none', AutoRemove: autoRemove },
    });
    containers.push(container);
    await container.start();
    const viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewers.push(viewer);
    viewer.send({ action: 'inventory.get' });
    const listed = (m: CloudToViewer) =>
      m.action === 'inventory'
        ? m.hosts.some((h) => h.agentId === AGENT_ID && h.online && h.containers.some((c) => c.id === container.id && c.state === 'running'))
        : m.action === 'host.containers' && m.agentId === AGENT_ID && m.upsert.some((c) => c.id === container.id && c.state === 'running');
    await viewer.waitFor(listed);
    viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
    await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'ready'), 'the stream is live');
    return { container, viewer };
  }

  async function expectGone(container: Dockerode.Container): Promise<void> {
    for (let i = 0; i < 100; i++) {
      try {
        await container.inspect();
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return;
        throw error;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`container ${container.id} was not removed`);
  }

  function expectEveryLineOnceInOrder(viewer: ViewerClient, containerId: string): void {
    const lines = linesOf(viewer, containerId);
    expect(lines.map((l) => l.text)).toEqual(expected);
    expect(lines.map((l) => l.seq)).toEqual(expected.map((_, i) => i + 1));
  }

  it('with `--rm` (AutoRemove): the viewer receives every line exactly once, in order', async () => {
    const { container, viewer } = await watched('exit 0', true);

    await container.kill({ signal: 'SIGUSR1' });
    await expectGone(container);

    await viewer.waitUntil(() => linesOf(viewer, container.id).length >= expected.length, `all ${LINES} lines reach the viewer`);
    // Anything still on its way would arrive now.
    await new Promise((r) => setTimeout(r, 300));
    expectEveryLineOnceInOrder(viewer, container.id);
  });

  it('with `docker rm -f` right after the last line: the viewer receives every line exactly once, in order', async () => {
    const { container, viewer } = await watched('exec sleep 3600', false);

    await container.kill({ signal: 'SIGUSR1' });
    // Removed as soon as Docker holds the last line, long before the agent can have delivered it.
    for (;;) {
      const tail = await container.logs({ stdout: true, tail: 1 });
      if (tail.toString('latin1').includes(`line ${LINES}\n`)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await container.remove({ force: true });
    await expectGone(container);

    await viewer.waitUntil(() => linesOf(viewer, container.id).length >= expected.length, `all ${LINES} lines reach the viewer`);
    await new Promise((r) => setTimeout(r, 300));
    expectEveryLineOnceInOrder(viewer, container.id);
  });
});
