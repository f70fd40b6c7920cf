/**
 * The agent's configuration, read from the environment once, in one place. Missing or invalid
 * values fail fast with a message that says what to set.
 *
 *   SIDETAIL_URL          required  ws:// or wss:// URL of the cloud's WebSocket stage
 *   SIDETAIL_AGENT_TOKEN  required  this agent's own credential (`npm run credentials -- mint --agent <id>`);
 *                                   the cloud takes the agent id from it
 *   DOCKER_HOST           optional  unix:///path/to/docker.sock or tcp://host:port; default /var/run/docker.sock
 *   SIDETAIL_MAX_BUFFER_BYTES         optional  the bound on log bytes held across all containers
 *   (flag --max-buffer-bytes, wins)             (e.g. 64m, 512k); above it Docker streams pause.
 *                                               Default 64 MiB. See docs/reliability.md.
 */
import { parseByteSize } from './byte-size';
import { parseDockerHost, InvalidDockerHostError } from './docker/docker-client';
import { DEFAULT_MAX_BUFFER_BYTES } from './transport/memory-budget';

export interface AgentConfig {
  readonly url: string;
  readonly token: string;
  readonly hostName: string;
  /** As given (validated); undefined means the default socket. */
  readonly dockerHost: string | undefined;
  readonly maxBufferBytes: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Below this a single batch (96 KB) and a Docker read would not fit: the agent could never send. */
const MIN_BUFFER_BYTES = 256 * 1024;

export function readAgentConfig(env: NodeJS.ProcessEnv, hostName: string, argv: readonly string[] = []): AgentConfig {
  const url = env.SIDETAIL_URL?.trim();
  if (!url) throw new ConfigError('SIDETAIL_URL is required: the WebSocket URL of your Sidetail stage, e.g. wss://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SIDETAIL_URL=${url} is not a URL; expected ws://… or wss://…`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ConfigError(`SIDETAIL_URL=${url} must start with ws:// or wss://`);
  }
  if (parsed.search) throw new ConfigError(`SIDETAIL_URL=${url} must not have a query string; the agent adds role and token`);

  const token = env.SIDETAIL_AGENT_TOKEN?.trim();
  if (!token) throw new ConfigError('SIDETAIL_AGENT_TOKEN is required: this agent\'s credential, from `npm run credentials -- mint --agent <id>`');
  // Set, it would suggest the agent can choose its id; the credential decides, so say so.
  if (env.SIDETAIL_AGENT_ID?.trim()) {
    throw new ConfigError('SIDETAIL_AGENT_ID is no longer read: the agent id is the one its credential (SIDETAIL_AGENT_TOKEN) was minted for; unset it');
  }

  const dockerHost = env.DOCKER_HOST?.trim() || undefined;
  try {
    parseDockerHost(dockerHost);
  } catch (err) {
    if (err instanceof InvalidDockerHostError) throw new ConfigError(err.message);
    throw err;
  }
  const maxBufferBytes = readMaxBufferBytes(env, argv);
  return { url, token, hostName: hostName.slice(0, 256) || agentIdFromHostName(hostName), dockerHost, maxBufferBytes };
}

/** `--max-buffer-bytes <size>` (or `=<size>`), else SIDETAIL_MAX_BUFFER_BYTES, else the default. */
function readMaxBufferBytes(env: NodeJS.ProcessEnv, argv: readonly string[]): number {
  const flag = argv.findIndex((arg) => arg === '--max-buffer-bytes' || arg.startsWith('--max-buffer-bytes='));
  const [name, value] =
    flag >= 0
      ? ['--max-buffer-bytes', argv[flag]!.includes('=') ? argv[flag]!.slice(argv[flag]!.indexOf('=') + 1) : argv[flag + 1]]
      : ['SIDETAIL_MAX_BUFFER_BYTES', env.SIDETAIL_MAX_BUFFER_BYTES?.trim() || undefined];
  if (value === undefined) {
    if (flag >= 0) throw new ConfigError('--max-buffer-bytes needs a size, e.g. --max-buffer-bytes 64m');
    return DEFAULT_MAX_BUFFER_BYTES;
  }
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new ConfigError(`${name}=${value} is not a size; write bytes or a number with k, m or g (e.g. 64m)`);
  if (bytes < MIN_BUFFER_BYTES) throw new ConfigError(`${name}=${value} is below the smallest bound that works, 256k (one batch is up to 96 KB)`);
  return bytes;
}

/** A SafeId from a host name: unsafe characters become "-", and it starts with a letter or digit. */
export function agentIdFromHostName(hostName: string): string {
  const id = hostName
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return id || 'agent';
}
