/**
 * Builds the dockerode client from a DOCKER_HOST value (the agent's main and `npm start` both do).
 *
 * Supported: `unix:///path/to/docker.sock`, `tcp://host:port` (plain HTTP; `http://` is accepted
 * as a synonym), and nothing at all → /var/run/docker.sock. TLS (`DOCKER_TLS_VERIFY`) and
 * `ssh://` are not supported yet and are refused with a clear error rather than half-working.
 *
 * Every option is passed explicitly because docker-modem merges its own reading of the process
 * environment underneath: left unset, DOCKER_HOST in the environment would override the
 * socket we were given, and DOCKER_CLIENT_TIMEOUT would become an idle timeout on every request
 * — including log follows, where it would cut off any container that is quiet for that long.
 */
import Dockerode from 'dockerode';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
const DEFAULT_TCP_PORT = 2375;

export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export class InvalidDockerHostError extends Error {
  override readonly name = 'InvalidDockerHostError';
}

export function parseDockerHost(dockerHost?: string): DockerEndpoint {
  const value = dockerHost?.trim();
  if (!value) return { kind: 'unix', socketPath: DEFAULT_DOCKER_SOCKET };
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new InvalidDockerHostError(`DOCKER_HOST=${value}: expected an absolute socket path, like unix:///var/run/docker.sock`);
    }
    return { kind: 'unix', socketPath };
  }
  if (value.startsWith('tcp://') || value.startsWith('http://')) {
    let url: URL;
    try {
      url = new URL(value.replace(/^tcp:/, 'http:'));
    } catch {
      throw new InvalidDockerHostError(`DOCKER_HOST=${value}: expected tcp://host:port`);
    }
    if (!url.hostname) throw new InvalidDockerHostError(`DOCKER_HOST=${value}: expected tcp://host:port`);
    return { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : DEFAULT_TCP_PORT };
  }
  throw new InvalidDockerHostError(
    `DOCKER_HOST=${value}: only unix:///path/to/docker.sock and tcp://host:port are supported`,
  );
}

/** How the endpoint is named in messages, in DOCKER_HOST syntax. */
export function describeDockerEndpoint(endpoint: DockerEndpoint): string {
  return endpoint.kind === 'unix' ? `unix://${endpoint.socketPath}` : `tcp://${endpoint.host}:${endpoint.port}`;
}

export function dockerOptions(endpoint: DockerEndpoint): Dockerode.DockerOptions {
  const common = { timeout: undefined, ca: undefined, cert: undefined, key: undefined };
  return endpoint.kind === 'unix'
    ? { ...common, socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http' }
    : { ...common, socketPath: undefined, host: endpoint.host, port: endpoint.port, protocol: 'http' };
}

/** A dockerode client for DOCKER_HOST (or the default socket). Throws InvalidDockerHostError. */
export function dockerFromHost(dockerHost?: string): Dockerode {
  return new Dockerode(dockerOptions(parseDockerHost(dockerHost)));
}
