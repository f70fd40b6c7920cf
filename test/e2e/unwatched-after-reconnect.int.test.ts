/**
 * Issue 8, defect 2 on real parts: the real agent on the run's private dockerd, the local API
 * Gateway emulator running the real handlers, dynalite. A viewer leaves while the agent is offline,
 * so the cloud's log.stream.stop goes to a gone connection; the registration after the reconnect
 * must still end the follow. The container then goes quiet: a busy one's next batch, finding no
 * subscriber, would stop the stream anyway (ingest-batch) — a quiet one's follow stayed open, and
 * its next line was stored for nobody.
 */
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { SidetailAgent } from '../../agent/agent';
import type { ContainerSource, FollowOptions, LogFollow } from '../../agent/docker/container-source';
import { DockerContainerSource } from '../../agent/docker/docker-container-source';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import { DynamoAgents } from '../../lambdas/adapters/dynamo-agents';
import { DynamoSubscriptions } from '../../lambdas/adapters/dynamo-subscriptions';
import { ViewerClient } from '../support/viewer-client';
import { linesOf } from './counted-lines';

const AGENT_ID = 'unwatched-host';
/** The agent waits this long (about) before reconnecting: time for the viewer to leave meanwhile. */
const RECONNECT_DELAY_MS = 4_000;

/** The real engine, with every follow stream the agent opens recorded, to see which it closes. */
class RecordedDocker implements ContainerSource {
  readonly streams: { containerId: string; stream: Readable }[] = [];
  constructor(private readonly docker: DockerContainerSource) {}
  get address() {
    return this.docker.address;
  }
  list() {
    return this.docker.list();
  }
  events() {
    return this.docker.events();
  }
  inspect(containerId: string) {
    return this.docker.inspect(containerId);
  }
  async follow(containerId: string, options: FollowOptions): Promise<LogFollow> {
    const follow = await this.docker.follow(containerId, options);
    this.streams.push({ containerId, stream: follow.stream });
    return follow;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a stream whose last viewer left while the agent was offline', () => {
  let docker: Dockerode;
  let container: Dockerode.Container;
  let cloud: LocalCloud;
  let agent: SidetailAgent;
  let source: RecordedDocker;
  let viewer: ViewerClient;

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    container = await docker.createContainer({
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "tick $i"; done; exec sleep 3600'],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID });
    source = new RecordedDocker(new DockerContainerSource(docker));
    agent = new SidetailAgent({
      url: cloud.wsUrl,
      token: cloud.agentToken,
      hostName: 'unwatched-host.test',
      source,
      logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
      // random 0.5: the delay is three quarters of the initial one, the same each time.
      tuning: { reconnect: { initialDelayMs: (RECONNECT_DELAY_MS * 4) / 3, random: () => 0.5 } },
    });
    agent.start();
  });

  afterAll(async () => {
    await viewer?.close();
    await agent?.stop();
    await cloud?.stop();
    await container?.remove({ force: true });
  });

  it('is stopped by the agent when it reconnects: the registration lists no watcher for it', async () => {
    const table = { client: createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region }), tableName: cloud.store.tableName, clock: Date };
    const agents = new DynamoAgents(table);
    const subscriptions = new DynamoSubscriptions(table);
    const management = new ApiGatewayManagementApiClient({ endpoint: cloud.connectionsEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const ref = { agentId: AGENT_ID, containerId: container.id };
    await until(async () => (await agents.get(AGENT_ID))?.online === true, 'the agent registers');

    viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
    await viewer.waitUntil(() => linesOf(viewer!, container.id).length === 5, 'the five lines');
    // Time for the batch's ack to reach the agent: nothing is resent after the reconnect.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(source.streams.map((s) => s.containerId)).toEqual([container.id]);
    const follow = source.streams[0]!.stream;

    // The gateway closes the agent's socket (an idle or 2-hour limit, a network blip)…
    const dropped = (await agents.get(AGENT_ID))!.connectionId;
    await management.send(new DeleteConnectionCommand({ ConnectionId: dropped }));
    // …and the viewer leaves before the agent is back: the stop goes to the gone connection.
    viewer.send({ action: 'log.unsubscribe', agentId: AGENT_ID, containerId: container.id, op: 2 });
    await until(async () => !(await subscriptions.hasSubscribers(ref)), 'the unsubscribe is stored');
    const record = await agents.get(AGENT_ID);
    expect(record?.connectionId === dropped || record?.online === false).toBe(true);
    expect(follow.destroyed).toBe(false);

    await until(async () => {
      const now = await agents.get(AGENT_ID);
      return now?.online === true && now.connectionId !== dropped;
    }, 'the agent registers on a new connection');
    await until(() => follow.destroyed, 'the agent stops the follow nobody watches');
    expect(source.streams).toHaveLength(1);
    management.destroy();
  });
});
