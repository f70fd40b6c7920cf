/**
 * The whole cloud side on one machine: dynalite for DynamoDB, the local object store for S3 (the
 * bucket of large batches' bytes), the gateway emulator, and the real
 * Lambda handlers (and the $connect authorizer) running in-process behind it. `npm start` and the
 * end-to-end tests both use it. It mints one agent credential and one viewer credential in the
 * store, as an operator would with `npm run credentials -- mint`, and can mint more.
 *
 * Order matters: the handlers need CONNECTIONS_ENDPOINT, which is the gateway's own URL, so the
 * gateway starts listening first (with no routes) and gets its routes once they are loaded.
 */
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import { DynamoCredentials } from '../../lambdas/adapters/dynamo-credentials';
import { mintCredential, type CredentialRequest } from '../../lambdas/domain/mint-credential';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from './gateway';
import { loadAuthorizer, loadHandlers } from './load-handlers';
import { quietConsoleLogger, type LocalLogger } from './logger';
import { startCapacityProxy, type CapacityProxy } from './metering/dynamodb-capacity-proxy';
import type { LocalMeter } from './metering/local-meter';
import { startLocalObjectStore, type LocalObjectStore } from './object-store';
import { startLocalStore, type LocalStore } from './store';

export interface LocalCloudOptions {
  /** Default 0: an ephemeral port. */
  readonly gatewayPort?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** BUFFER_LINES for the handlers; their default (1000) when absent. */
  readonly bufferLines?: number;
  /**
   * BUFFER_TTL_SECONDS for the handlers (their default, 24 h, when absent); the batch bucket's
   * objects then live twice as long, as on AWS (2 days for 24 h): an item expires before its bytes.
   */
  readonly bufferTtlSeconds?: number;
  /** The local S3 stand-in holds at most this many bytes of batch objects, the oldest going first. Default: no bound, as S3. */
  readonly maxBatchObjectBytes?: number;
  /** The default agent credential's agent id. Default "local-agent". */
  readonly agentId?: string;
  /** The default agent credential's token (`<credentialId>.<secret>`). Default: freshly minted. */
  readonly agentToken?: string;
  /** The default viewer credential's token. Default: freshly minted. */
  readonly viewerToken?: string;
  /** Gateway options for tests: shorter quotas and timeouts, the AWS-like chaos mode, throttling. */
  readonly gateway?: Pick<
    LocalGatewayOptions,
    'idleTimeoutMs' | 'maxDurationMs' | 'lambdaTimeoutMs' | 'throttling' | 'postToConnectionDelayMs' | 'chaos' | 'invocationDelayMs'
  >;
  /**
   * Opt-in: what AWS would bill, counted at the boundaries — gateway messages and connection time,
   * invocations, the handlers' DynamoDB capacity (through a proxy that asks for it on every call)
   * and their S3 requests.
   */
  readonly meter?: LocalMeter;
  readonly logger?: LocalLogger;
}

export interface LocalCloud {
  /** ws://127.0.0.1:PORT/local */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT/local */
  readonly connectionsEndpoint: string;
  /** The agent id of `agentToken`'s credential. */
  readonly agentId: string;
  /** The default agent credential's token. */
  readonly agentToken: string;
  /** The default viewer credential's token. */
  readonly viewerToken: string;
  /** Mints another credential in the store (e.g. a second agent) and returns its token. */
  mint(request: CredentialRequest): Promise<string>;
  readonly store: LocalStore;
  /** The S3 stand-in holding `batchBucket`. */
  readonly objects: LocalObjectStore;
  readonly batchBucket: string;
  /** The gateway now (a new one after restartGateway). */
  readonly gateway: LocalGateway;
  /**
   * A gateway restart, as a deployment or an outage is to its clients: every connection closed
   * (1001, $disconnect run), nothing listening for `downMs`, then a new gateway on the same
   * address with the same handlers and store. What was stored survives; what clients held is theirs.
   */
  restartGateway(options?: { readonly downMs?: number }): Promise<void>;
  /** Stops the gateway (closing every connection, letting $disconnect run), then the store. */
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_AGENT_ID = 'local-agent';
export const LOCAL_BATCH_BUCKET = 'sidetail-batches-local';

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const logger = options.logger ?? quietConsoleLogger;
  const agentId = options.agentId ?? DEFAULT_LOCAL_AGENT_ID;

  const store = await startLocalStore();
  const client = createDocumentClient({ endpoint: store.endpoint, region: store.region });
  const clock = { now: () => Date.now() };
  const credentials = new DynamoCredentials({ client, tableName: store.tableName, clock });
  const mint = async (request: CredentialRequest) => (await mintCredential({ credentials, clock }, request)).token;
  let gateway: LocalGateway | undefined;
  let capacityProxy: CapacityProxy | undefined;
  let objects: LocalObjectStore | undefined;
  let routes: Awaited<ReturnType<typeof loadHandlers>>;
  let authorizer: Awaited<ReturnType<typeof loadAuthorizer>>;
  const gatewayOptions = (port: number): LocalGatewayOptions => ({
    host: options.host,
    port,
    routes: {},
    logger,
    ...options.gateway,
    ...(options.meter ? { meter: options.meter } : {}),
  });
  let agentToken: string;
  let viewerToken: string;
  try {
    agentToken = await mint({ role: 'agent', agentId, ...(options.agentToken ? { token: options.agentToken } : {}) });
    viewerToken = await mint({ role: 'viewer', ...(options.viewerToken ? { token: options.viewerToken } : {}) });
    gateway = await startLocalGateway(gatewayOptions(options.gatewayPort ?? 0));
    if (options.meter) capacityProxy = await startCapacityProxy(store.endpoint, options.meter);
    objects = await startLocalObjectStore({
      buckets: [LOCAL_BATCH_BUCKET],
      ...(options.meter ? { meter: options.meter } : {}),
      ...(options.bufferTtlSeconds === undefined ? {} : { lifecycle: { expireAfterMs: 2 * options.bufferTtlSeconds * 1000 } }),
      ...(options.maxBatchObjectBytes === undefined ? {} : { maxStoredBytes: options.maxBatchObjectBytes }),
    });
    routes = await loadHandlers({
      TABLE_NAME: store.tableName,
      ...(options.bufferLines === undefined ? {} : { BUFFER_LINES: String(options.bufferLines) }),
      ...(options.bufferTtlSeconds === undefined ? {} : { BUFFER_TTL_SECONDS: String(options.bufferTtlSeconds) }),
      DYNAMODB_ENDPOINT: capacityProxy?.endpoint ?? store.endpoint,
      CONNECTIONS_ENDPOINT: gateway.connectionsEndpoint,
      BATCH_BUCKET: LOCAL_BATCH_BUCKET,
      S3_ENDPOINT: objects.endpoint,
      AWS_REGION: store.region,
    });
    authorizer = await loadAuthorizer();
    gateway.setAuthorizer(authorizer);
    gateway.setRoutes(routes);
  } catch (err) {
    await gateway?.stop();
    await capacityProxy?.stop();
    await objects?.stop();
    client.destroy();
    await store.stop();
    throw err;
  }

  let started = gateway;
  const startedObjects = objects;
  const { port } = started;
  let stopped: Promise<void> | undefined;
  return {
    wsUrl: started.wsUrl,
    connectionsEndpoint: started.connectionsEndpoint,
    agentId,
    agentToken,
    viewerToken,
    mint,
    store,
    objects: startedObjects,
    batchBucket: LOCAL_BATCH_BUCKET,
    get gateway() {
      return started;
    },
    async restartGateway({ downMs = 0 } = {}) {
      await started.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      const next = await startLocalGateway(gatewayOptions(port));
      next.setAuthorizer(authorizer);
      next.setRoutes(routes);
      started = next;
    },
    stop() {
      stopped ??= (async () => {
        try {
          await started.stop();
        } finally {
          await capacityProxy?.stop();
          await startedObjects.stop();
          client.destroy();
          await store.stop();
        }
      })();
      return stopped;
    },
  };
}
