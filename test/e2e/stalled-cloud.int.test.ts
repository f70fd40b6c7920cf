/**
 * A cloud that stops acknowledging for a while, with a tiny memory bound on the agent: the agent
 * pauses its Docker streams (the container's own log file holds what it writes meanwhile), never
 * holds more than its bound, and once the cloud answers again every line arrives once, in order —
 * or, where Docker's log rotation removed lines before the agent could read them, a `rotated`
 * marker stands in their place. On real parts: the run's private dockerd, the real agent, the
 * local cloud (gateway emulator, real handlers, dynalite) and a viewer.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import type { CloudToViewer, LogLine } from '../../protocol';
import { ViewerClient } from '../support/viewer-client';
import { linesOf } from './counted-lines';

const AGENT_ID = 'stalled-host';
const LINES = 20_000;
/** A quarter of a megabyte: about 2,500 of these lines, an eighth of what the container writes. */
const MAX_BUFFER_BYTES = 256 * 1024;
const PADDING = 'x'.repeat(80);

// Says it is ready, waits for SIGUSR1, prints LINES numbered lines as fast as it can, says done, stays up.
const SCRIPT = `
trap 'go=1' USR1
echo ready
while [ -z "$go" ]; do usleep 20000; done
i=1; while [ $i -le ${LINES} ]; do echo "line $i ${PADDING}"; i=$((i+1)); done
echo done
exec sleep 3600
`;

const expected = ['ready', ...Array.from({ length: LINES }, (_, i) => `line ${i + 1} ${PADDING}`), 'done'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a cloud that stops acknowledging for a while, with a tiny memory bound on the agent', () => {
  let docker: Dockerode;
  let cloud: LocalCloud;
  let agent: Agent;
  const viewers: ViewerClient[] = [];
  const containers: Dockerode.Container[] = [];

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID });
    agent = createAgent({
      url: cloud.wsUrl,
      token: cloud.agentToken,
      hostName: 'stalled-host.test',
      docker,
      maxBufferBytes: MAX_BUFFER_BYTES,
      logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
    });
    agent.start();
  });

  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.close()));
    await agent?.stop();
    await cloud?.stop();
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => {})));
  });

  /** A viewer subscribed to a fresh container; resolves once its stream is live. */
  async function watched(logConfig?: Record<string, string>): Promise<{ container: Dockerode.Container; viewer: ViewerClient }> {
    const container = await docker.createContainer({
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', SCRIPT],
      HostConfig: { NetworkMode: 'none', ...(logConfig ? { LogConfig: { Type: 'json-file', Config: logConfig } } : {}) },
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

  /** Starts the container's burst while the cloud is stalled; resolves once Docker holds its last line. */
  async function burstWhileStalled(container: Dockerode.Container): Promise<() => void> {
    const release = cloud.gateway.stall('log.batch');
    await container.kill({ signal: 'SIGUSR1' });
    for (let i = 0; i < 1200; i++) {
      const tail = await container.logs({ stdout: true, tail: 1 });
      if (tail.toString('latin1').includes('done\n')) return release;
      await sleep(50);
    }
    release();
    throw new Error('the container did not finish its burst within a minute');
  }

  it('holds no more than its bound while stalled, and delivers every line once, in order, once the cloud answers', async () => {
    const { container, viewer } = await watched();

    const release = await burstWhileStalled(container);
    // The container has written all 2 MB; the agent, paused, holds its bound at most.
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      samples.push(agent.deliveryState().heldBytes);
      await sleep(50);
    }
    const stalled = agent.deliveryState();
    const viewedWhileStalled = linesOf(viewer, container.id).length;
    release();
    expect(Math.max(...samples)).toBeLessThanOrEqual(MAX_BUFFER_BYTES);
    expect(stalled.peakHeldBytes).toBeLessThanOrEqual(MAX_BUFFER_BYTES);
    // It did fill up to the bound (it was paused by it, not by something else).
    expect(stalled.peakHeldBytes).toBeGreaterThanOrEqual(MAX_BUFFER_BYTES / 2);
    expect(viewedWhileStalled).toBeLessThan(LINES / 4);
    console.info(`[stalled-cloud] bound ${MAX_BUFFER_BYTES} B, peak held ${stalled.peakHeldBytes} B while the container wrote ${LINES} lines`);

    await viewer.waitUntil(() => linesOf(viewer, container.id).length >= expected.length, `all ${expected.length} lines reach the viewer`, 120_000);
    await sleep(300);
    const lines = linesOf(viewer, container.id);
    expect(lines.map((l) => l.text)).toEqual(expected);
    expect(lines.map((l) => l.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(agent.deliveryState().peakHeldBytes).toBeLessThanOrEqual(MAX_BUFFER_BYTES);
  }, 180_000);

  it('puts a rotated marker where Docker rotated lines away before the agent could read them, numbering on without a gap', async () => {
    // Docker keeps at most two files of 1 MB, about 12,000 of these lines as it stores them: most of the burst rotates away.
    const { container, viewer } = await watched({ 'max-size': '1m', 'max-file': '2' });

    const release = await burstWhileStalled(container);
    release();

    await viewer.waitUntil(() => linesOf(viewer, container.id).at(-1)?.text === 'done', 'the last line reaches the viewer', 120_000);
    await sleep(300);
    const lines = linesOf(viewer, container.id);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const markers = lines.filter((l) => l.skipped);
    expect(markers).toHaveLength(1);
    const marker = markers[0]!;
    expect(marker.skipped).toEqual({ reason: 'rotated', from: expect.any(String), to: marker.ts });
    // Before the marker: ready and lines 1..k; after it: lines m..LINES and done, with m > k + 1.
    const at = lines.indexOf(marker);
    const numberOf = (l: LogLine) => Number(/^line (\d+) /.exec(l.text)?.[1]);
    const before = lines.slice(1, at).map(numberOf);
    const after = lines.slice(at + 1, -1).map(numberOf);
    expect(lines[0]!.text).toBe('ready');
    expect(before).toEqual(before.map((_, i) => i + 1));
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!).toBeGreaterThan(before.length + 1);
    expect(after).toEqual(after.map((_, i) => after[0]! + i));
    expect(after.at(-1)).toBe(LINES);
    expect(marker.skipped!.from <= marker.skipped!.to).toBe(true);
    console.info(`[stalled-cloud] rotation: lines ${before.length + 1}–${after[0]! - 1} of ${LINES} rotated away, one marker in their place`);
  }, 180_000);
});
