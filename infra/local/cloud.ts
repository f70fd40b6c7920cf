/**
 * The whole cloud side on one machine: dynalite for DynamoDB, the gateway emulator, and the real
 * Lambda handlers running in-process behind it. `npm start` and the end-to-end tests both use it.
 *
 * Order matters: the handlers need CONNECTIONS_ENDPOINT, which is the gateway's own URL, so the
 * gateway starts listening first (with no routes) and gets its routes once they are loaded.
 */
import { randomBytes } from 'node:crypto';
import { startLocalGateway, type LocalGateway } from './gateway';
import { loadHandlers } from './load-handlers';
import { quietConsoleLogger, type LocalLogger } from './logger';
import { startLocalStore, type LocalStore } from './store';

export interface LocalCloudOptions {
  /** Default 0: an ephemeral port. */
  readonly gatewayPort?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** BUFFER_LINES for the handlers; their default (1000) when absent. */
  readonly bufferLines?: number;
  /** Default: random. */
  readonly agentToken?: string;
  /** Default: random. */
  readonly viewerToken?: string;
  /** Gateway options for tests: shorter quotas and timeouts. */
  readonly gateway?: { readonly idleTimeoutMs?: number; readonly maxDurationMs?: number; readonly postDelayMs?: number };
  readonly logger?: LocalLogger;
}

export interface LocalCloud {
  /** ws://127.0.0.1:PORT/local */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT/local */
  readonly connectionsEndpoint: string;
  readonly agentToken: string;
  readonly viewerToken: string;
  readonly store: LocalStore;
  readonly gateway: LocalGateway;
  /** Stops the gateway (closing every connection, letting $disconnect run), then the store. */
  stop(): Promise<void>;
}

/** 24 random bytes, URL-safe: fits a query string and a URL fragment unescaped. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const logger = options.logger ?? quietConsoleLogger;
  const agentToken = options.agentToken ?? randomToken();
  const viewerToken = options.viewerToken ?? randomToken();

  const store = await startLocalStore();
  let gateway: LocalGateway | undefined;
  try {
    gateway = await startLocalGateway({
      host: options.host,
      port: options.gatewayPort ?? 0,
      routes: {},
      logger,
      ...options.gateway,
    });
    const routes = await loadHandlers({
      TABLE_NAME: store.tableName,
      AGENT_TOKEN: agentToken,
      VIEWER_TOKEN: viewerToken,
      ...(options.bufferLines === undefined ? {} : { BUFFER_LINES: String(options.bufferLines) }),
      DYNAMODB_ENDPOINT: store.endpoint,
      CONNECTIONS_ENDPOINT: gateway.connectionsEndpoint,
      AWS_REGION: store.region,
    });
    gateway.setRoutes(routes);
  } catch (err) {
    await gateway?.stop();
    await store.stop();
    throw err;
  }

  const started = gateway;
  let stopped: Promise<void> | undefined;
  return {
    wsUrl: started.wsUrl,
    connectionsEndpoint: started.connectionsEndpoint,
    agentToken,
    viewerToken,
    store,
    gateway: started,
    stop() {
      stopped ??= (async () => {
        try {
          await started.stop();
        } finally {
          await store.stop();
        }
      })();
      return stopped;
    },
  };
}
