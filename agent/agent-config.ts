/**
 * The agent's configuration, read from flags and the environment once, in one place (a flag wins
 * over its variable; agent-options.ts lists them all). Missing or invalid values fail fast with a
 * message that says what to set.
 */
import { MAX_LINE_BYTES, SafeId } from '../protocol';
import { parseDockerHost, InvalidDockerHostError } from './docker/docker-client';
import { AGENT_OPTIONS, HELP_FLAGS, VERSION_FLAG, type AgentOption, type AgentOptionKey } from './agent-options';
import { parseByteSize } from './byte-size';
import { DEFAULT_MAX_BUFFER_BYTES } from './transport/memory-budget';

export interface AgentConfig {
  readonly url: string;
  readonly token: string;
  /** The agent id the operator expects; the credential's is the one used, and must equal it. */
  readonly agentId: string | undefined;
  /** Shown in the dashboard; undefined: the Docker engine's own name. */
  readonly hostName: string | undefined;
  /** As given (validated); undefined means the default socket. */
  readonly dockerHost: string | undefined;
  /** Show and stream only containers labelled sidetail.enable=true. */
  readonly optIn: boolean;
  /** The bound on log bytes held across all containers (memory-budget.ts). */
  readonly maxBufferBytes: number;
  /** The longest line kept whole (UTF-8 bytes of its text); longer ones are cut. */
  readonly maxLineBytes: number;
  /** Replace the cloud connection by this age (ms); undefined: the default, 110 min. */
  readonly connectionMaxAgeMs: number | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What the command line asks for: --help and --version win over everything else. */
export function agentCommand(argv: readonly string[]): 'run' | 'help' | 'version' {
  if (argv.some((arg) => (HELP_FLAGS as readonly string[]).includes(arg))) return 'help';
  if (argv.includes(VERSION_FLAG)) return 'version';
  return 'run';
}

const MAX_HOST_NAME = 256;

/** Below this a single batch (96 KB) and a Docker read would not fit: the agent could never send. */
const MIN_BUFFER_BYTES = 256 * 1024;

export function readAgentConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): AgentConfig {
  const raw = collect(env, argv);

  const url = raw.url?.value;
  if (!url) throw new ConfigError(`${required('url')}: the WebSocket URL of your Sidetail stage, e.g. wss://abc123.execute-api.eu-west-1.amazonaws.com/prod`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${raw.url!.source}=${url} is not a URL; expected ws://… or wss://…`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ConfigError(`${raw.url!.source}=${url} must start with ws:// or wss://`);
  }
  if (parsed.search) throw new ConfigError(`${raw.url!.source}=${url} must not have a query string; the agent adds role and token`);

  const token = raw.token?.value;
  if (!token) throw new ConfigError(`${required('token')}: this agent's credential, from \`npm run credentials -- mint --agent <id>\``);

  const agentId = raw.agentId?.value;
  if (agentId !== undefined && !SafeId.safeParse(agentId).success) {
    throw new ConfigError(`${raw.agentId!.source}=${agentId} is not an agent id: letters, digits, ".", "_" or "-", at most 128 characters`);
  }

  const hostName = raw.hostName?.value;
  if (hostName !== undefined && hostName.length > MAX_HOST_NAME) {
    throw new ConfigError(`${raw.hostName!.source} is longer than ${MAX_HOST_NAME} characters`);
  }

  const dockerHost = raw.dockerHost?.value;
  try {
    parseDockerHost(dockerHost);
  } catch (err) {
    if (err instanceof InvalidDockerHostError) {
      // Its message names DOCKER_HOST; a flag's value is reported under the flag.
      throw new ConfigError(raw.dockerHost?.source === 'DOCKER_HOST' ? err.message : err.message.replace(/^DOCKER_HOST/, raw.dockerHost!.source));
    }
    throw err;
  }

  return {
    url,
    token,
    agentId,
    hostName,
    dockerHost,
    optIn: raw.optIn ? switchValue(raw.optIn) : false,
    maxBufferBytes: raw.maxBufferBytes ? byteSizeValue(raw.maxBufferBytes) : DEFAULT_MAX_BUFFER_BYTES,
    maxLineBytes: raw.maxLineBytes ? lineCapValue(raw.maxLineBytes) : MAX_LINE_BYTES,
    connectionMaxAgeMs: raw.connectionMaxAge ? connectionMaxAgeMs(raw.connectionMaxAge) : undefined,
  };
}

/** A SafeId from a host name: unsafe characters become "-", and it starts with a letter or digit. */
export function agentIdFromHostName(hostName: string): string {
  const id = hostName
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return id || 'agent';
}

/** A setting's value (trimmed, non-empty) and where it came from, for messages. */
interface RawValue {
  readonly value: string;
  readonly source: string;
}

function collect(env: NodeJS.ProcessEnv, argv: readonly string[]): Partial<Record<AgentOptionKey, RawValue>> {
  const raw: Partial<Record<AgentOptionKey, RawValue>> = {};
  for (const option of AGENT_OPTIONS) {
    const value = env[option.env]?.trim();
    if (value) raw[option.key] = { value, source: option.env };
  }
  const byFlag = new Map<string, AgentOption & { key: AgentOptionKey }>(AGENT_OPTIONS.map((o) => [o.flag, o]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)}; see --help`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const option = byFlag.get(name);
    if (!option) throw new ConfigError(`unknown option ${JSON.stringify(name)}; see --help`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1).trim();
    else if (option.value === undefined) value = 'true';
    else value = argv[++i]?.trim();
    if (value === undefined || value === '' || (option.value !== undefined && eq === -1 && value.startsWith('--'))) {
      throw new ConfigError(`${name} needs a value (${option.value})`);
    }
    raw[option.key] = { value, source: name };
  }
  return raw;
}

function required(key: AgentOptionKey): string {
  const option = AGENT_OPTIONS.find((o) => o.key === key)!;
  return `${option.env} (${option.flag}) is required`;
}

/** API Gateway closes a connection at 2 hours: a replacement must come before. */
const GATEWAY_LIMIT_MINUTES = 120;

function connectionMaxAgeMs({ value, source }: RawValue): number {
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes < 1 || minutes >= GATEWAY_LIMIT_MINUTES) {
    throw new ConfigError(`${source}=${value}: expected minutes from 1 to under ${GATEWAY_LIMIT_MINUTES} (API Gateway closes every connection at ${GATEWAY_LIMIT_MINUTES})`);
  }
  return Math.round(minutes * 60_000);
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function switchValue({ value, source }: RawValue): boolean {
  const word = value.toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new ConfigError(`${source}=${value}: expected true or false`);
}

/** Below this a line cap cuts ordinary lines (a stack frame, a JSON log record). */
const MIN_LINE_BYTES = 1024;

function lineCapValue({ value, source }: RawValue): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new ConfigError(`${source}=${value} is not a size; write bytes or a number with k or m (e.g. 64k)`);
  if (bytes < MIN_LINE_BYTES || bytes > MAX_LINE_BYTES) {
    throw new ConfigError(`${source}=${value} is outside 1k to 256k: a line cap must be at least 1k, and the protocol carries lines of at most 256k`);
  }
  return bytes;
}

function byteSizeValue({ value, source }: RawValue): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new ConfigError(`${source}=${value} is not a size; write bytes or a number with k, m or g (e.g. 64m)`);
  if (bytes < MIN_BUFFER_BYTES) throw new ConfigError(`${source}=${value} is below the smallest bound that works, 256k (one batch is up to 96 KB)`);
  return bytes;
}
