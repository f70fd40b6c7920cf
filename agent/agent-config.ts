/**
 * The agent's configuration, read from the environment once, in one place. Missing or invalid
 * values fail fast with a message that says what to set.
 *
 *   SIDETAIL_URL          required  ws:// or wss:// URL of the cloud's WebSocket stage
 *   SIDETAIL_AGENT_TOKEN  required  the agent token the cloud was deployed with
 *   SIDETAIL_AGENT_ID     optional  this host's id in the dashboard; default: the host name, made safe
 *   DOCKER_HOST           optional  unix:///path/to/docker.sock or tcp://host:port; default /var/run/docker.sock
 */
import { SafeId } from '../protocol';
import { parseDockerHost, InvalidDockerHostError } from './docker/docker-client';

export interface AgentConfig {
  readonly url: string;
  readonly token: string;
  readonly agentId: string;
  readonly hostName: string;
  /** As given (validated); undefined means the default socket. */
  readonly dockerHost: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readAgentConfig(env: NodeJS.ProcessEnv, hostName: string): AgentConfig {
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
  if (!token) throw new ConfigError('SIDETAIL_AGENT_TOKEN is required: the agent token the Sidetail stack was deployed with');

  const agentId = env.SIDETAIL_AGENT_ID?.trim() || agentIdFromHostName(hostName);
  const checked = SafeId.safeParse(agentId);
  if (!checked.success) {
    throw new ConfigError(`SIDETAIL_AGENT_ID=${agentId} is not a valid id: ${checked.error.issues[0]?.message ?? 'invalid'} (at most 128 characters)`);
  }

  const dockerHost = env.DOCKER_HOST?.trim() || undefined;
  try {
    parseDockerHost(dockerHost);
  } catch (err) {
    if (err instanceof InvalidDockerHostError) throw new ConfigError(err.message);
    throw err;
  }
  return { url, token, agentId, hostName: hostName.slice(0, 256) || agentId, dockerHost };
}

/** A SafeId from a host name: unsafe characters become "-", and it starts with a letter or digit. */
export function agentIdFromHostName(hostName: string): string {
  const id = hostName
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return id || 'agent';
}
