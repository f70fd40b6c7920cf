/**
 * The agent's configuration, read from the environment once, in one place. Missing or invalid
 * values fail fast with a message that says what to set.
 *
 *   SIDETAIL_URL          required  ws:// or wss:// URL of the cloud's WebSocket stage
 *   SIDETAIL_AGENT_TOKEN  required  this agent's own credential (`npm run credentials -- mint --agent <id>`);
 *                                   the cloud takes the agent id from it
 *   DOCKER_HOST           optional  unix:///path/to/docker.sock or tcp://host:port; default /var/run/docker.sock
 */
import { parseDockerHost, InvalidDockerHostError } from './docker/docker-client';

export interface AgentConfig {
  readonly url: string;
  readonly token: string;
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
  return { url, token, hostName: hostName.slice(0, 256) || agentIdFromHostName(hostName), dockerHost };
}

/** A SafeId from a host name: unsafe characters become "-", and it starts with a letter or digit. */
export function agentIdFromHostName(hostName: string): string {
  const id = hostName
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return id || 'agent';
}
