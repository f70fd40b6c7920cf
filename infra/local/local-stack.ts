/**
 * Everything `npm start` runs, as one startable and stoppable unit: the dashboard's static server,
 * the local cloud (dynalite, gateway, handlers) and an agent on the local Docker engine.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAgent, type Agent } from '../../agent/agent';
import { agentIdFromHostName } from '../../agent/agent-config';
import { dockerFromHost } from '../../agent/docker/docker-client';
import type { Logger as AgentLogger } from '../../agent/logger';
import { SafeId } from '../../protocol';
import { startLocalCloud, type LocalCloud } from './cloud';
import type { LocalStartOptions } from './local-options';
import { UsageError } from './local-options';
import { quietConsoleLogger, type LocalLogger } from './logger';
import { startStaticServer } from './static-server';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface LocalStackDeps {
  /** Default web/dist. */
  readonly webRoot?: string;
  readonly logger?: LocalLogger;
  /** Default: the agent's own console logger. */
  readonly agentLogger?: AgentLogger;
}

export interface LocalStack {
  /** http://127.0.0.1:8080/ */
  readonly dashboardUrl: string;
  readonly cloud: LocalCloud;
  /** Stops the agent, then the dashboard server, then the cloud. */
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStartOptions, deps: LocalStackDeps = {}): Promise<LocalStack> {
  const hostName = os.hostname();
  const agentId = options.agentId ?? agentIdFromHostName(hostName);
  if (!SafeId.safeParse(agentId).success) {
    throw new UsageError(`SIDETAIL_AGENT_ID=${agentId} is not a valid id: letters, digits, ".", "_" or "-", at most 128 characters`);
  }
  // Before anything listens: a bad DOCKER_HOST is a usage error (InvalidDockerHostError).
  const docker = dockerFromHost(options.dockerHost);

  // The dashboard's port first: a port conflict there must not cost a started cloud (whose
  // handlers keep their configuration for the life of the process).
  let cloud: LocalCloud | undefined;
  const staticServer = await startStaticServer({
    root: deps.webRoot ?? DEFAULT_WEB_ROOT,
    port: options.port,
    host: options.host,
    config: () => (cloud ? { wsUrl: cloud.wsUrl } : undefined),
  });
  try {
    // The local agent gets a credential of its own, for the agent id it shows as.
    cloud = await startLocalCloud({
      host: options.host,
      gatewayPort: options.gatewayPort,
      agentId,
      agentToken: options.agentToken,
      viewerToken: options.viewerToken,
      ...(options.invocationDelayMs === undefined ? {} : { gateway: { invocationDelayMs: options.invocationDelayMs } }),
      ...(options.bufferTtlSeconds === undefined ? {} : { bufferTtlSeconds: options.bufferTtlSeconds }),
      ...(options.maxBatchObjectBytes === undefined ? {} : { maxBatchObjectBytes: options.maxBatchObjectBytes }),
      logger: deps.logger ?? quietConsoleLogger,
    });
  } catch (err) {
    await staticServer.stop();
    throw err;
  }
  const started = cloud;

  // The agent reports an unreachable Docker engine itself (with a DOCKER_HOST hint) and retries.
  const agent: Agent = createAgent({
    url: started.wsUrl,
    token: started.agentToken,
    hostName,
    docker,
    ...(deps.agentLogger ? { logger: deps.agentLogger } : {}),
  });
  agent.start();

  let stopped: Promise<void> | undefined;
  return {
    dashboardUrl: staticServer.url,
    cloud: started,
    stop() {
      stopped ??= (async () => {
        try {
          await agent.stop();
        } finally {
          await staticServer.stop();
          await started.stop();
        }
      })();
      return stopped;
    },
  };
}
