/**
 * The parts the lifecycle specs share: a local cloud (one per test file: the handlers read their
 * configuration once per process), the real agent on the run's private dockerd, a container
 * printing numbered lines, and a viewer that sees it listed.
 */
import type Dockerode from 'dockerode';
import { SidetailAgent, type AgentTuning } from '../../agent/agent';
import { DockerContainerSource } from '../../agent/docker/docker-container-source';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../infra/local/cloud';
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import { DynamoAgents } from '../../lambdas/adapters/dynamo-agents';
import { ViewerClient } from '../support/viewer-client';
import { numberedLinesContainer } from './numbered-lines';

export interface LifecycleStack {
  readonly cloud: LocalCloud;
  readonly agents: DynamoAgents;
  readonly viewer: ViewerClient;
  /** "Connected to …" lines the agent logged: one per connection it used. */
  readonly connected: string[];
  agent: SidetailAgent | undefined;
  stop(): Promise<void>;
}

export async function startCloudAndViewer(agentId: string, gateway: LocalCloudOptions['gateway'] = {}): Promise<Omit<LifecycleStack, 'agent' | 'connected'> & { stopCloud(): Promise<void> }> {
  const cloud = await startLocalCloud({ gatewayPort: 0, agentId, gateway });
  const agents = new DynamoAgents({ client: createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region }), tableName: cloud.store.tableName, clock: Date });
  const viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
  return {
    cloud,
    agents,
    viewer,
    stop: async () => {
      await viewer.close();
      await cloud.stop();
    },
    stopCloud: async () => {
      await viewer.close();
      await cloud.stop();
    },
  };
}

export async function startLifecycleStack(
  docker: Dockerode,
  agentId: string,
  options: { gateway?: LocalCloudOptions['gateway']; tuning?: AgentTuning } = {},
): Promise<LifecycleStack> {
  const base = await startCloudAndViewer(agentId, options.gateway);
  const connected: string[] = [];
  const agent = new SidetailAgent({
    url: base.cloud.wsUrl,
    token: base.cloud.agentToken,
    hostName: `${agentId}.test`,
    source: new DockerContainerSource(docker),
    logger: {
      info: (m) => {
        if (m.startsWith('Connected')) connected.push(m);
        if (process.env.LIFECYCLE_DEBUG) console.log(`[agent] ${m}`);
      },
      warn: (m) => console.warn(`[agent] ${m}`),
      error: (m) => console.error(`[agent] ${m}`),
    },
    tuning: { reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 }, ...options.tuning },
  });
  agent.start();
  const stack: LifecycleStack = {
    ...base,
    connected,
    agent,
    stop: async () => {
      await stack.agent?.stop();
      await base.stop();
    },
  };
  await waitUntil(async () => (await base.agents.get(agentId))?.online === true, 'the agent registers');
  return stack;
}

/** A numbered-lines container the viewer has seen listed as running. */
export async function listedContainer(stack: Pick<LifecycleStack, 'viewer'>, docker: Dockerode, image: string, agentId: string, lines: number, pauseUs: number): Promise<Dockerode.Container> {
  const container = await numberedLinesContainer(docker, image, lines, pauseUs);
  stack.viewer.send({ action: 'inventory.get' });
  await stack.viewer.waitFor((m) =>
    m.action === 'inventory'
      ? m.hosts.some((h) => h.agentId === agentId && h.containers.some((c) => c.id === container.id && c.state === 'running'))
      : m.action === 'host.containers' && m.agentId === agentId && m.upsert.some((c) => c.id === container.id && c.state === 'running'),
  );
  return container;
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
