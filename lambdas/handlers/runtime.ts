/**
 * The composition root of the Lambdas: configuration, SDK clients and repositories are built once
 * per Lambda container, on the first invocation (not at import, so a bad environment fails the
 * invocation with a clear ConfigError instead of the module load), and reused by every later one.
 */
import { config, type Config } from '../config';
import { consoleLogger } from '../adapters/console-logger';
import { createDocumentClient } from '../adapters/document-client';
import { DynamoAgents } from '../adapters/dynamo-agents';
import { CachedCredentials } from '../adapters/cached-credentials';
import { DynamoConnections } from '../adapters/dynamo-connections';
import { DynamoCredentials } from '../adapters/dynamo-credentials';
import { DynamoHostContainers } from '../adapters/dynamo-host-containers';
import { DynamoLogBuffer } from '../adapters/dynamo-log-buffer';
import { DynamoSubscriptions } from '../adapters/dynamo-subscriptions';
import { ManagementApiClients } from '../adapters/management-api-clients';
import { ManagementApiMessenger } from '../adapters/management-api-messenger';
import { createS3Client } from '../adapters/s3-client';
import { S3BatchBodies } from '../adapters/s3-batch-bodies';
import type { Clock, Credentials, Deps, Logger, Messenger } from '../domain/ports';
import type { WebSocketEvent } from './websocket-event';

/** Builds the domain's dependencies for one event. */
export type DepsResolver = (event: WebSocketEvent) => Deps;

/** What the $connect authorizer uses: credential look-ups (cached), a logger. */
export interface AuthorizerDeps {
  readonly credentials: Pick<Credentials, 'get'>;
  readonly logger: Logger;
}

export type AuthorizerDepsResolver = () => AuthorizerDeps;

/** The dependencies of one configuration; `destroy` closes its SDK clients (tests, local shutdown). */
export interface Runtime {
  readonly deps: DepsResolver;
  /** Built once per runtime, so the credential cache lives as long as the Lambda container. */
  readonly authorizerDeps: AuthorizerDepsResolver;
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
  const credentials = new DynamoCredentials(table);
  const s3 = cfg.batchBucket ? createS3Client({ endpoint: cfg.s3Endpoint, region: cfg.awsRegion }) : undefined;
  const bodies = s3 && cfg.batchBucket ? new S3BatchBodies(s3, cfg.batchBucket) : undefined;
  const authorizer: AuthorizerDeps = { credentials: new CachedCredentials(credentials, systemClock), logger: consoleLogger };
  const stores: Omit<Deps, 'messenger'> = {
    connections: new DynamoConnections(table),
    credentials,
    subscriptions: new DynamoSubscriptions(table),
    agents: new DynamoAgents(table),
    hostContainers: new DynamoHostContainers(table),
    buffer: new DynamoLogBuffer(table, cfg.bufferTtlSeconds, { ...(bodies ? { bodies } : {}), logger: consoleLogger }),
    clock: systemClock,
    logger: consoleLogger,
    settings: { bufferLines: cfg.bufferLines },
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
    authorizerDeps: () => authorizer,
    destroy: () => {
      client.destroy();
      s3?.destroy();
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

/** The same for the authorizer's handler file. */
export const authorizerDeps: AuthorizerDepsResolver = () => {
  runtime ??= createRuntime(config());
  return runtime.authorizerDeps();
};
