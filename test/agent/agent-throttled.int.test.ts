/**
 * The agent under API Gateway's throttling, on real parts: a busybox container on the run's private
 * dockerd, the real agent, the local API Gateway emulator (running the real Lambda handlers on
 * dynalite) with a tiny `log.batch` bucket, and a WebSocket viewer. Throttled batches get API
 * Gateway's "Too Many Requests" frame, which names no batch; the agent must send them again.
 */
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { quietConsoleLogger } from '../../infra/local/logger';
import { ROUTE_THROTTLING } from '../../infra/route-throttling';
import type { CloudToViewer, LogLine } from '../../protocol';
import { ViewerClient } from '../support/viewer-client';
import { RecordingLogger } from './support/recording-logger';
import { linesOf } from '../e2e/counted-lines';

const AGENT_ID = 'throttled-host';
const LINES = 300;

// Waits for the test's go, then writes LINES numbered lines over about three seconds.
const SCRIPT = `
while [ ! -e /tmp/go ]; do usleep 50000; done
i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); usleep 10000; done
echo "done"
exec sleep 3600
`;

describe('the agent while API Gateway throttles its log batches', () => {
  let docker: Dockerode;
  let container: Dockerode.Container;
  let cloud: LocalCloud;
  let agent: Agent | undefined;
  let viewer: ViewerClient | undefined;
  const logger = new RecordingLogger();
  /** log.batch messages the gateway answered "Too Many Requests". */
  let throttled = 0;

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    container = await docker.createContainer({
      Image: inject('busyboxImage'),
      name: `sidetail-throttled-${process.pid}`,
      Cmd: ['sh', '-c', SCRIPT],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    // Ten batches a second for the whole stage, two at once: the agent sends several per second.
    const throttling = { ...ROUTE_THROTTLING, routes: { ...ROUTE_THROTTLING.routes, 'log.batch': { rateLimit: 10, burstLimit: 2 } } };
    const cloudLogger = {
      ...quietConsoleLogger,
      info: (message: string) => {
        if (message.startsWith('[gateway] log.batch throttled')) throttled += 1;
      },
    };
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID, gateway: { throttling }, logger: cloudLogger });
    agent = createAgent({ url: cloud.wsUrl, token: cloud.agentToken, hostName: 'throttled-host.test', docker, logger });
    agent.start();
  });

  afterAll(async () => {
    await viewer?.close();
    await agent?.stop();
    await cloud?.stop();
    await container?.remove({ force: true });
  });

  it('delivers every line to a viewer exactly once, however often its batches are throttled', async () => {
    viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewer.send({ action: 'inventory.get' });
    const listed = (m: CloudToViewer) =>
      m.action === 'inventory'
        ? m.hosts.some((h) => h.agentId === AGENT_ID && h.containers.some((c) => c.id === container.id))
        : m.action === 'host.containers' && m.agentId === AGENT_ID && m.upsert.some((c) => c.id === container.id);
    await viewer.waitFor(listed);
    viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
    await viewer.waitFor((m) => m.action === 'log.history' && m.done);

    const run = await container.exec({ Cmd: ['touch', '/tmp/go'] });
    await run.start({ Detach: true });
    const lines = (): LogLine[] =>
      linesOf(viewer!, container.id);
    await viewer.waitUntil(() => lines().some((l) => l.text === 'done'), 'the last line reaches the viewer', 60_000);

    const received = lines();
    expect(received.map((l) => l.seq)).toEqual(Array.from({ length: LINES + 1 }, (_, i) => i + 1));
    expect(received.map((l) => l.text)).toEqual([...Array.from({ length: LINES }, (_, i) => `line ${i + 1}`), 'done']);
    // It was throttled, many times, and said so once per burst rather than per refusal, dropping nothing.
    expect(throttled).toBeGreaterThanOrEqual(5);
    const refusals = logger.matching(/^API Gateway refused a message \("Too Many Requests"\)/);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.length).toBeLessThanOrEqual(3);
    expect(logger.matching(/Dropped|Ignored a message/)).toEqual([]);
  }, 120_000);
});
