/**
 * What the agent needs from a container engine — and all it may use of it. Docker implements it
 * (docker-container-source.ts); tests implement it in memory with real Docker-format bytes.
 */
import type { Readable } from 'node:stream';
import type { ContainerInfo } from '../../protocol';
import type { StreamMode } from './frame-demuxer';

/**
 * `tail` alone (a fresh follow: the newest lines), `since` alone (an RFC 3339 timestamp,
 * inclusive: everything from there on), or both: the newest `tail` lines, none older than `since`
 * (a catch-up, docs/reliability.md).
 */
export type FollowFrom = { readonly tail: number; readonly since?: never } | { readonly since: string; readonly tail?: number };

export interface FollowOptions {
  readonly from: FollowFrom;
  /**
   * Not a follow: only the lines Docker holds now up to this timestamp (inclusive; like Docker's
   * own, the read ends at the first entry stamped later), then the stream ends.
   */
  readonly until?: string;
  /** Aborts the request while it is still being opened. */
  readonly signal?: AbortSignal;
}

/**
 * A container's log stream, as Docker sends it with `timestamps=1&follow=1`: multiplexed frames,
 * or raw bytes for a TTY container. Destroy `stream` to stop following.
 */
export interface LogFollow {
  readonly stream: Readable;
  readonly mode: StreamMode;
}

export interface ContainerState {
  readonly running: boolean;
  readonly tty: boolean;
}

/** A change to a container that may change the inventory. */
export interface ContainerEvent {
  /** Docker's action word: start, die, destroy, rename, … (health_status without its suffix). */
  readonly action: string;
  readonly containerId: string;
}

export interface ContainerSource {
  /** Where the engine is, for messages (DOCKER_HOST syntax). */
  readonly address: string;
  /** All containers, running or not. */
  list(): Promise<ContainerInfo[]>;
  /**
   * Container events from now on, as an object-mode stream of ContainerEvent. It ends (or errors)
   * when the engine goes away. Destroy it to stop.
   */
  events(): Promise<Readable>;
  /** Rejects with a ContainerNotFoundError when the container does not exist. */
  inspect(containerId: string): Promise<ContainerState>;
  /** Follows the container's log, or with `until` reads a span of it and ends. */
  follow(containerId: string, options: FollowOptions): Promise<LogFollow>;
  /**
   * The engine's own name (Docker's `info` → Name): the host's name, also when the agent runs in
   * a container. Optional: without it, the agent shows as this machine's host name.
   */
  engineName?(): Promise<string>;
}

export class ContainerNotFoundError extends Error {
  override readonly name: string = 'ContainerNotFoundError';
  constructor(
    readonly containerId: string,
    /** Why the agent cannot have it, in words that follow "container x:". */
    readonly why = 'it does not exist',
  ) {
    super(`no such container: ${containerId}`);
  }
}

/**
 * The container is hidden by its labels (container-visibility.ts): to the agent it does not exist,
 * so a start for it ends like one for a removed container — but the log says why.
 */
export class ContainerHiddenError extends ContainerNotFoundError {
  override readonly name = 'ContainerHiddenError';
  constructor(containerId: string, reason: string) {
    super(containerId, `refused, as ${reason}`);
  }
}
