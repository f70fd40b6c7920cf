/**
 * ContainerSource over the Docker Engine API (dockerode). Containers hidden by their
 * `sidetail.enable` label are not there for the agent: not listed, and not found when inspected
 * or followed (container-visibility.ts).
 */
import { pipeline, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { toDockerSince, type ContainerInfo } from '../../protocol';
import {
  ContainerHiddenError,
  ContainerNotFoundError,
  type ContainerSource,
  type ContainerState,
  type FollowOptions,
  type LogFollow,
} from './container-source';
import { hiddenBy } from './container-visibility';
import { DockerEventParser } from './docker-events';
import { requestLogStream, type DockerSocketAddress } from './docker-log-request';

/** Inspects run in parallel when listing, but not a thousand at once on the engine's socket. */
const INSPECT_CONCURRENCY = 8;

export class DockerContainerSource implements ContainerSource {
  readonly address: string;
  /** A container's TTY setting never changes, so it is inspected once per container. */
  private readonly ttyById = new Map<string, boolean>();

  private readonly optIn: boolean;

  constructor(
    private readonly docker: Dockerode,
    options: { readonly address?: string; readonly optIn?: boolean } = {},
  ) {
    this.address = options.address ?? describeModem(docker);
    this.optIn = options.optIn ?? false;
  }

  async list(): Promise<ContainerInfo[]> {
    const containers = (await this.docker.listContainers({ all: true })).filter((c) => hiddenBy(c.Labels, this.optIn) === undefined);
    const listed = new Set(containers.map((c) => c.Id));
    for (const id of this.ttyById.keys()) if (!listed.has(id)) this.ttyById.delete(id);
    const unknown = containers.filter((c) => !this.ttyById.has(c.Id));
    await forEachLimited(unknown, INSPECT_CONCURRENCY, async (c) => {
      try {
        await this.inspect(c.Id);
      } catch (err) {
        // Removed between the list and the inspect: it is left out below.
        if (!(err instanceof ContainerNotFoundError)) throw err;
      }
    });
    return containers
      .filter((c) => this.ttyById.has(c.Id))
      .map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '').slice(0, 256),
        image: c.Image.slice(0, 512),
        state: c.State.slice(0, 32),
        status: c.Status.slice(0, 256),
        createdAt: Math.max(0, Math.trunc(c.Created)),
        tty: this.ttyById.get(c.Id)!,
      }));
  }

  async events(): Promise<Readable> {
    const raw = (await this.docker.getEvents({ filters: { type: ['container'] } })) as Readable;
    const parser = new DockerEventParser();
    // Destroying the parser destroys the HTTP response too, and an engine that goes away ends both.
    pipeline(raw, parser, () => {});
    return parser;
  }

  async inspect(containerId: string): Promise<ContainerState> {
    try {
      const info = await this.docker.getContainer(containerId).inspect();
      const hidden = hiddenBy(info.Config?.Labels, this.optIn);
      if (hidden !== undefined) throw new ContainerHiddenError(containerId, hidden);
      const tty = Boolean(info.Config?.Tty);
      this.ttyById.set(containerId, tty);
      return { running: Boolean(info.State?.Running), tty };
    } catch (err) {
      if (err instanceof ContainerHiddenError) throw err;
      if ((err as { statusCode?: number }).statusCode === 404) {
        this.ttyById.delete(containerId);
        throw new ContainerNotFoundError(containerId);
      }
      throw err;
    }
  }

  async engineName(): Promise<string> {
    const info = (await this.docker.info()) as { Name?: unknown };
    return typeof info.Name === 'string' ? info.Name : '';
  }

  async follow(containerId: string, options: FollowOptions): Promise<LogFollow> {
    const { tty } = await this.inspect(containerId);
    const { since, tail } = options.from;
    const query = {
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since !== undefined ? { since: toDockerSince(since) } : {}),
      ...(tail !== undefined ? { tail } : {}),
    };
    const mode = tty ? 'raw' : 'multiplexed';
    try {
      const plain = plainSocketOf(this.docker);
      if (plain) {
        // A chunk per log line, in a follow and a span alike: decoded here far cheaper than by
        // Node's HTTP client (see docker-log-request.ts).
        const params = { ...query, follow: options.until === undefined, ...(options.until !== undefined ? { until: toDockerSince(options.until) } : {}) };
        const path = `${plain.prefix}/containers/${encodeURIComponent(containerId)}/logs?${queryString(params)}`;
        return { stream: await requestLogStream(plain.address, path, options.signal), mode };
      }
      // No `timeout` here, ever: dockerode's timeout is an idle timeout, which would end the
      // follow of any container that stays quiet for that long.
      const stream =
        options.until === undefined
          ? ((await this.docker.getContainer(containerId).logs({
              follow: true,
              ...query,
              ...(options.signal ? { abortSignal: options.signal } : {}),
            })) as unknown as Readable)
          : await this.readSpan(containerId, { ...query, follow: false, until: toDockerSince(options.until) }, options.signal);
      return { stream, mode };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new ContainerNotFoundError(containerId);
      throw err;
    }
  }

  /**
   * A non-follow read as a stream: dockerode's `logs` buffers the whole answer when not following,
   * which for a span of a million lines is tens of megabytes, unread until the last byte.
   */
  private readSpan(containerId: string, query: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(containerId)}/logs?`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: query,
          ...(signal ? { abortSignal: signal } : {}),
        } as never,
        (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as Readable)),
      );
    });
  }
}

/** Where a plain (unix or http) engine listens, and the API version prefix; undefined for what only dockerode speaks (TLS). */
function plainSocketOf(docker: Dockerode): { address: DockerSocketAddress; prefix: string } | undefined {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string; version?: string; ca?: unknown; cert?: unknown };
  const prefix = modem.version ? `/${modem.version}` : '';
  if (modem.ca || modem.cert) return undefined;
  if (typeof modem.socketPath === 'string') return { address: { socketPath: modem.socketPath }, prefix };
  if (modem.host && modem.protocol === 'http') return { address: { host: modem.host, port: Number(modem.port ?? 2375) }, prefix };
  return undefined;
}

/** Docker's query string: booleans as 1 and 0. */
function queryString(params: Record<string, string | number | boolean>): string {
  return new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value)])).toString();
}

function describeModem(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (modem.host) return `${modem.protocol === 'https' ? 'https' : 'tcp'}://${modem.host}:${modem.port ?? ''}`;
  return 'the default Docker socket';
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
