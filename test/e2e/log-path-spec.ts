/**
 * The whole path on real parts: a private dockerd running a busybox container, the real agent,
 * the local API Gateway emulator running the real Lambda handlers, dynalite, and WebSocket
 * clients acting as dashboards. Defined once and run in each gateway mode, one mode per test file
 * (the handlers keep one local cloud's configuration per process, like a Lambda container).
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type Dockerode from 'dockerode';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../infra/local/cloud';
import { DynamoAgents } from '../../lambdas/adapters/dynamo-agents';
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import type { CloudToViewer, LogLine } from '../../protocol';
import { ViewerClient } from '../support/viewer-client';
import { linesOf } from './counted-lines';

export interface GatewayMode {
  /** Shown in the describe block, with the seed when there is one. */
  readonly name: string;
  readonly gateway?: LocalCloudOptions['gateway'];
}

const AGENT_ID = 'e2e-host';

// Phase 1 is written before anyone watches; phases 2 and 3 start when the test touches a file.
// Each phase writes numbered lines alternately to stdout and stderr. Phase 2 also writes one line
// of 40 000 characters, which Docker stores as 16 KB pieces that the agent must join.
const SCRIPT = `
phase() { i=1; while [ $i -le $2 ]; do echo "$1 out $i"; echo "$1 err $i" >&2; i=$((i+1)); usleep 1000; done; }
phase p1 30
while [ ! -e /tmp/go2 ]; do usleep 50000; done
phase p2 100
head -c 40000 /dev/zero | tr '\\0' x; echo
echo "p2 done"
while [ ! -e /tmp/go3 ]; do usleep 50000; done
phase p3 20
echo "p3 done"
while [ ! -e /tmp/go4 ]; do usleep 50000; done
phase p4 300
echo "p4 done"
while [ ! -e /tmp/go5 ]; do usleep 50000; done
phase p5 50
echo "p5 done"
exec sleep 3600
`;

function expectedTexts(phase: string, count: number, stream: 'out' | 'err'): string[] {
  return Array.from({ length: count }, (_, i) => `${phase} ${stream} ${i + 1}`);
}

async function exec(container: Dockerode.Container, cmd: string[]): Promise<void> {
  const run = await container.exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  await run.start({ Detach: true });
  for (let i = 0; i < 100; i++) {
    const state = await run.inspect();
    if (!state.Running) {
      if (state.ExitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${state.ExitCode}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${cmd.join(' ')} did not finish`);
}

/** Lines with each seq once; a repeat (a batch resent after a lost ack) must equal the first copy. */
function uniqueBySeq(lines: LogLine[]): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const line of lines) {
    const first = bySeq.get(line.seq);
    if (first) expect(line).toEqual(first);
    else bySeq.set(line.seq, line);
  }
  return [...bySeq.values()];
}

function textsOn(lines: LogLine[], stream: 'stdout' | 'stderr', prefix: string): string[] {
  return lines.filter((l) => l.stream === stream && l.text.startsWith(prefix)).map((l) => l.text);
}

export function describeLogPath(mode: GatewayMode): void {
  const seed = mode.gateway?.chaos?.seed;
  describe(`a container's lines, from Docker to the dashboard (${mode.name}${seed === undefined ? '' : `, seed ${seed}`})`, () => {
    let docker: Dockerode;
    let container: Dockerode.Container;
    let cloud: LocalCloud;
    let agent: Agent | undefined;
    const viewers: ViewerClient[] = [];

    const startAgent = () => {
      agent = createAgent({
        url: cloud.wsUrl,
        token: cloud.agentToken,
        hostName: 'e2e-host.test',
        docker,
        logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
      });
      agent.start();
    };

    beforeAll(async () => {
      docker = dockerFromHost(inject('dockerHost'));
      container = await docker.createContainer({
        Image: inject('busyboxImage'),
        name: `sidetail-e2e-${process.pid}-${mode.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
        Cmd: ['sh', '-c', SCRIPT],
        HostConfig: { NetworkMode: 'none' },
      });
      await container.start();
      cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID, ...(mode.gateway ? { gateway: mode.gateway } : {}) });
      startAgent();
    });

    afterAll(async () => {
      await Promise.all(viewers.map((v) => v.close()));
      await agent?.stop();
      await cloud?.stop();
      await container?.remove({ force: true });
    });

    it('lists the host and its running container, then streams history and every live line in order, none missing, none twice', async () => {
      const first = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
      viewers.push(first);
      first.send({ action: 'inventory.get' });
      // The answer may predate the agent's registration; its containers then arrive as `host.containers`.
      const running = (m: CloudToViewer) =>
        m.action === 'inventory'
          ? m.hosts.some((h) => h.agentId === AGENT_ID && h.online && h.containers.some((c) => c.id === container.id && c.state === 'running'))
          : m.action === 'host.containers' && m.agentId === AGENT_ID && m.upsert.some((c) => c.id === container.id && c.state === 'running');
      await first.waitFor(running);

      // The first viewer starts the stream: Docker's tail fills the empty buffer with phase 1.
      first.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
      await first.waitFor((m) => m.action === 'log.history' && m.done);
      await first.waitUntil(() => linesOf(first, container.id).length === 60, 'phase 1 reaches the first viewer');

      // The second viewer gets phase 1 from the cloud's buffer.
      const second = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
      viewers.push(second);
      second.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
      await second.waitFor((m) => m.action === 'log.history' && m.done);
      const history = linesOf(second, container.id);
      expect(history.map((l) => l.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

      // Phase 2 is live for both.
      await exec(container, ['touch', '/tmp/go2']);
      for (const viewer of [first, second]) {
        await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'p2 done'), 'phase 2 reaches a viewer');
      }

      const lines = linesOf(second, container.id);
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
      expect(textsOn(lines, 'stdout', 'p1 ')).toEqual(expectedTexts('p1', 30, 'out'));
      expect(textsOn(lines, 'stderr', 'p1 ')).toEqual(expectedTexts('p1', 30, 'err'));
      expect(textsOn(lines, 'stdout', 'p2 out')).toEqual(expectedTexts('p2', 100, 'out'));
      expect(textsOn(lines, 'stderr', 'p2 err')).toEqual(expectedTexts('p2', 100, 'err'));
      // The 40 000-character line arrives once and whole, joined from Docker's 16 KB pieces.
      const long = lines.filter((l) => l.text.startsWith('xxx'));
      expect(long).toHaveLength(1);
      expect(long[0]).toMatchObject({ stream: 'stdout', text: 'x'.repeat(40_000) });
      expect(long[0]!.truncated).toBeUndefined();
      expect(lines).toHaveLength(60 + 200 + 2);
      // Docker's timestamps arrive with their nanoseconds.
      expect(lines.every((l) => /\.\d{9}Z$/.test(l.ts))).toBe(true);
      expect(linesOf(first, container.id)).toEqual(lines);
    });

    it('continues the numbering without repeats after the agent restarts and resumes with `since`', async () => {
      const viewer = viewers[1]!;
      const before = linesOf(viewer, container.id);
      await agent!.stop();

      // Phase 3 is written while no agent runs; the new agent must pick it up from the buffer's end.
      await exec(container, ['touch', '/tmp/go3']);
      startAgent();
      await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'p3 done'), 'phase 3 reaches the viewer');

      const lines = linesOf(viewer, container.id);
      const resumed = lines.slice(before.length);
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
      expect(textsOn(resumed, 'stdout', '')).toEqual([...expectedTexts('p3', 20, 'out'), 'p3 done']);
      expect(textsOn(resumed, 'stderr', '')).toEqual(expectedTexts('p3', 20, 'err'));
    });

    it('loses nothing when the agent\'s WebSocket is dropped mid-stream: it reconnects and resends what was not acked', async () => {
      const viewer = viewers[1]!;
      const before = linesOf(viewer, container.id).length;
      const agents = new DynamoAgents({ client: createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region }), tableName: cloud.store.tableName, clock: Date });
      const management = new ApiGatewayManagementApiClient({ endpoint: cloud.connectionsEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

      await exec(container, ['touch', '/tmp/go4']);
      await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'p4 out 50'), 'phase 4 starts');
      const dropped = (await agents.get(AGENT_ID))!.connectionId;
      // The gateway closes the agent's socket, as API Gateway does at its idle or 2-hour limit.
      await management.send(new DeleteConnectionCommand({ ConnectionId: dropped }));
      await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'p4 done'), 'phase 4 completes after the drop');

      // Full batches may have carried the phase's last line before the drop took effect: the
      // reconnect is then seen once the agent registers on its new connection.
      await vi.waitFor(async () => expect((await agents.get(AGENT_ID))!.connectionId).not.toBe(dropped), { timeout: 20_000, interval: 100 });
      const lines = uniqueBySeq(linesOf(viewer, container.id));
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
      const phase4 = uniqueBySeq(linesOf(viewer, container.id).slice(before));
      expect(textsOn(phase4, 'stdout', 'p4 out')).toEqual(expectedTexts('p4', 300, 'out'));
      expect(textsOn(phase4, 'stderr', 'p4 err')).toEqual(expectedTexts('p4', 300, 'err'));
      management.destroy();
    });

    it('gives a viewer that reconnects exactly the lines it missed, from its last seq', async () => {
      const dropped = viewers[1]!;
      const lastSeen = linesOf(dropped, container.id).at(-1)!.seq;
      await dropped.close();

      // Phase 5 is written while that viewer is away; the other one watches it arrive.
      await exec(container, ['touch', '/tmp/go5']);
      const watching = viewers[0]!;
      await watching.waitUntil(() => linesOf(watching, container.id).some((l) => l.text === 'p5 done'), 'phase 5 is written');

      const back = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
      viewers.push(back);
      back.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id, afterSeq: lastSeen });
      await back.waitFor((m) => m.action === 'log.history' && m.done);

      const missed = linesOf(back, container.id);
      expect(missed.map((l) => l.seq)).toEqual(Array.from({ length: missed.length }, (_, i) => lastSeen + 1 + i));
      expect(textsOn(missed, 'stdout', '')).toEqual([...expectedTexts('p5', 50, 'out'), 'p5 done']);
      expect(textsOn(missed, 'stderr', '')).toEqual(expectedTexts('p5', 50, 'err'));
    });
  });
}
