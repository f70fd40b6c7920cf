/**
 * `npm start`'s settings, from flags and the environment, read once. Flags win over variables.
 *
 *   --port N          SIDETAIL_PORT          dashboard port (default 8080)
 *   --gateway-port N  SIDETAIL_GATEWAY_PORT  WebSocket API port (default 4510)
 *   --host H          SIDETAIL_HOST          address both bind to (default 127.0.0.1)
 *   --invocation-delay-ms N  SIDETAIL_INVOCATION_DELAY_MS  a fixed delay before every Lambda invocation (default 0)
 *   --buffer-ttl-minutes N   SIDETAIL_BUFFER_TTL_MINUTES   how long a stored batch lives (default 60)
 *   --max-batch-store-mb N   SIDETAIL_MAX_BATCH_STORE_MB   MB of large batches' bytes kept at most (default 256)
 *                     SIDETAIL_AGENT_TOKEN   the local agent's token, <credentialId>.<secret> (default: minted per run)
 *                     SIDETAIL_VIEWER_TOKEN  the viewer token, <credentialId>.<secret> (default: minted per run)
 *                     SIDETAIL_AGENT_ID      the local agent's id, its credential's (default: from the host name)
 *                     DOCKER_HOST            the Docker engine (default /var/run/docker.sock)
 */
import { parseToken } from '../../lambdas/domain/credential-token';

export interface LocalStartOptions {
  readonly port: number;
  readonly gatewayPort: number;
  readonly host: string;
  readonly agentToken?: string;
  readonly viewerToken?: string;
  readonly agentId?: string;
  readonly dockerHost?: string;
  /** A fixed delay before every Lambda invocation: AWS's round trip, to try the product as it feels there. */
  readonly invocationDelayMs?: number;
  /** How long a stored batch lives (the handlers' BUFFER_TTL_SECONDS): parsed options always say; absent, AWS's 24 h. */
  readonly bufferTtlSeconds?: number;
  /** The bytes of large batches the local S3 stand-in keeps at most, the oldest going first: parsed options always say; absent, no bound. */
  readonly maxBatchObjectBytes?: number;
}

/**
 * What `npm start` keeps, in memory: dynalite and the local S3 stand-in hold everything in the
 * process, so a laptop's hour rather than AWS's 24 h (and its 2 days of objects); a flood of a few
 * MB/s would otherwise hold GBs.
 */
export const DEFAULT_LOCAL_BUFFER_TTL_MINUTES = 60;
export const DEFAULT_LOCAL_MAX_BATCH_STORE_MB = 256;

export const DEFAULT_DASHBOARD_PORT = 8080;
export const DEFAULT_GATEWAY_PORT = 4510;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: npm start -- [--port N] [--gateway-port N] [--host ADDRESS]

  --port N          dashboard port (SIDETAIL_PORT, default ${DEFAULT_DASHBOARD_PORT})
  --gateway-port N  WebSocket API port (SIDETAIL_GATEWAY_PORT, default ${DEFAULT_GATEWAY_PORT})
  --host ADDRESS    address to listen on (SIDETAIL_HOST, default 127.0.0.1)
  --invocation-delay-ms N  delay every Lambda invocation by N ms, as AWS's round trip does
                    (SIDETAIL_INVOCATION_DELAY_MS, default 0)
  --buffer-ttl-minutes N   how long stored batches live (SIDETAIL_BUFFER_TTL_MINUTES, default ${DEFAULT_LOCAL_BUFFER_TTL_MINUTES})
  --max-batch-store-mb N   MB of large batches' bytes kept at most, the oldest going first
                    (SIDETAIL_MAX_BATCH_STORE_MB, default ${DEFAULT_LOCAL_MAX_BATCH_STORE_MB})

Environment: SIDETAIL_AGENT_TOKEN, SIDETAIL_VIEWER_TOKEN (<credentialId>.<secret>, the same on every
run; default: minted per run), SIDETAIL_AGENT_ID, DOCKER_HOST (default unix:///var/run/docker.sock).`;

type Env = Readonly<Record<string, string | undefined>>;

const FLAGS = {
  '--port': 'port',
  '--gateway-port': 'gatewayPort',
  '--host': 'host',
  '--invocation-delay-ms': 'invocationDelayMs',
  '--buffer-ttl-minutes': 'bufferTtlMinutes',
  '--max-batch-store-mb': 'maxBatchStoreMb',
} as const;

/** 'help' when --help was asked for; throws UsageError on anything it cannot use. */
export function parseLocalOptions(argv: readonly string[], env: Env): LocalStartOptions | 'help' {
  const flags: Partial<Record<(typeof FLAGS)[keyof typeof FLAGS], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = FLAGS[name as keyof typeof FLAGS];
    if (!key) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags[key] = value;
  }

  const port = parsePort(flags.port ?? env.SIDETAIL_PORT, flags.port ? '--port' : 'SIDETAIL_PORT', DEFAULT_DASHBOARD_PORT);
  const gatewayPort = parsePort(
    flags.gatewayPort ?? env.SIDETAIL_GATEWAY_PORT,
    flags.gatewayPort ? '--gateway-port' : 'SIDETAIL_GATEWAY_PORT',
    DEFAULT_GATEWAY_PORT,
  );
  if (port !== 0 && port === gatewayPort) {
    throw new UsageError(`the dashboard and the WebSocket API cannot share port ${port}; give --port and --gateway-port different values`);
  }
  return {
    port,
    gatewayPort,
    host: flags.host ?? nonEmpty(env.SIDETAIL_HOST) ?? '127.0.0.1',
    ...optional('agentToken', token(env.SIDETAIL_AGENT_TOKEN, 'SIDETAIL_AGENT_TOKEN')),
    ...optional('viewerToken', token(env.SIDETAIL_VIEWER_TOKEN, 'SIDETAIL_VIEWER_TOKEN')),
    ...optional('agentId', nonEmpty(env.SIDETAIL_AGENT_ID)),
    ...optional('dockerHost', nonEmpty(env.DOCKER_HOST)),
    ...invocationDelay(flags.invocationDelayMs ?? env.SIDETAIL_INVOCATION_DELAY_MS, flags.invocationDelayMs ? '--invocation-delay-ms' : 'SIDETAIL_INVOCATION_DELAY_MS'),
    bufferTtlSeconds:
      60 * positiveWhole(flags.bufferTtlMinutes ?? env.SIDETAIL_BUFFER_TTL_MINUTES, flags.bufferTtlMinutes ? '--buffer-ttl-minutes' : 'SIDETAIL_BUFFER_TTL_MINUTES', DEFAULT_LOCAL_BUFFER_TTL_MINUTES),
    maxBatchObjectBytes:
      1024 * 1024 * positiveWhole(flags.maxBatchStoreMb ?? env.SIDETAIL_MAX_BATCH_STORE_MB, flags.maxBatchStoreMb ? '--max-batch-store-mb' : 'SIDETAIL_MAX_BATCH_STORE_MB', DEFAULT_LOCAL_MAX_BATCH_STORE_MB),
  };
}

function positiveWhole(raw: string | undefined, source: string, fallback: number): number {
  const value = raw?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`${source}=${value} is not a positive whole number`);
  return Number(value);
}

function invocationDelay(raw: string | undefined, source: string): { invocationDelayMs?: number } {
  const value = raw?.trim();
  if (!value) return {};
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${source}=${value} is not a whole number of milliseconds`);
  }
  return { invocationDelayMs: Number(value) };
}

function parsePort(raw: string | undefined, source: string, fallback: number): number {
  const value = raw?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) {
    throw new UsageError(`${source}=${value} is not a port number (0-65535)`);
  }
  return Number(value);
}

/** A fixed token is stored as a credential of that id, so it must have a token's shape. */
function token(raw: string | undefined, source: string): string | undefined {
  const value = nonEmpty(raw);
  if (value !== undefined && !parseToken(value)) {
    throw new UsageError(`${source} must look like <credentialId>.<secret> (URL-safe characters; an id of 8+, a secret of 32+), e.g. local-agent.${'x'.repeat(32)}`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
