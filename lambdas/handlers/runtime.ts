/**
 * The composition root of the Lambdas: configuration, SDK clients and repositories are built once
 * per Lambda container, on the first invocation (not at import, so a bad environment fails the
 * invocation with a clear ConfigError instead of the module load), and reused by every later one.
 */
import { config, type Config } from '../config';
import { consoleLogger } from '../adapters/console-logger';
import { createDocumentClient } from '../adapters/document-client';
import { DynamoAgents } from '../adapters/dynamo-agents';
import { DynamoHostContainers } from '../adapters/dynamo-host-containers';
import { DynamoConnections } from '../adapters/dynamo-connections';
import { DynamoLogBuffer } from '../adapters/dynamo-log-buffer';
import { DynamoSubscriptions } from '../adapters/dynamo-subscriptions';
import { ManagementApiClients } from '../adapters/management-api-clients';
import { ManagementApiMessenger } from '../adapters/management-api-messenger';
import type { Clock, Deps, Messenger } from '../domain/ports';
import type { WebSocketEvent } from './websocket-event';

/** Builds the domain's dependencies for one event. */
export type DepsResolver = (event: WebSocketEvent) => Deps;

/** The dependencies of one configuration; `destroy` closes its SDK clients (tests, local shutdown). */
export interface Runtime {
  readonly deps: DepsResolver;
  destroy(): void;
}

const systemClock: Clock = { now: () => Date.now() };

/** Where PostToConnection goes: the API the event came through, unless overridden locally. */
export function connectionsEndpoint(event: WebSocketEvent, cfg: Pick<Config, 'connectionsEndpoint'>): string {
  return cfg.connectionsEndpoint ?? `https://${event.requestContext.domainName}/${event.requestContext.stage}`;
}

export function createRuntime(cfg: Config): Runtime {
  const client = createDocumentClient({ endpoint: cfg.dynamodbEndpoint, region: cfg.awsRegion });
  const table = { client, tableName: cfg.tableName, clock: systemClock };
  const stores: Omit<Deps, 'messenger'> = {
    connections: new DynamoConnections(table),
    subscriptions: new DynamoSubscriptions(table),
    agents: new DynamoAgents(table),
    hostContainers: new DynamoHostContainers(table),
    buffer: new DynamoLogBuffer(table, cfg.bufferTtlSeconds),
    clock: systemClock,
    logger: consoleLogger,
    settings: { bufferLines: cfg.bufferLines, agentToken: cfg.agentToken, viewerToken: cfg.viewerToken },
  };
  const clients = new ManagementApiClients({ region: cfg.awsRegion, local: cfg.connectionsEndpoint !== undefined });
  const messengers = new Map<string, Messenger>();
  const messengerFor = (endpoint: string): Messenger => {
    let messenger = messengers.get(endpoint);
    if (!messenger) {
      messenger = new ManagementApiMessenger(clients.clientFor(endpoint));
      messengers.set(endpoint, messenger);
    }
    return messenger;
  };
  return {
    deps: (event) => ({ ...stores, messenger: messengerFor(connectionsEndpoint(event, cfg)) }),
    destroy: () => {
      client.destroy();
      clients.destroy();
    },
  };
}

let runtime: Runtime | undefined;

/** The process's runtime, from the environment, built on first use. What the handler files use. */
export const runtimeDeps: DepsResolver = (event) => {
  runtime ??= createRuntime(config());
  return runtime.deps(event);
};
