/**
 * An in-memory ContainerSource: each follow gets a PassThrough the test writes real Docker-format
 * bytes into (and ends, to play a container stopping).
 */
import { PassThrough, type Readable } from 'node:stream';
import {
  ContainerNotFoundError,
  type ContainerEvent,
  type ContainerSource,
  type ContainerState,
  type FollowOptions,
  type LogFollow,
} from '../../../agent/docker/container-source';
import type { ContainerInfo } from '../../../protocol';

export interface FakeContainer {
  info: ContainerInfo;
  running: boolean;
}

export interface RecordedFollow {
  containerId: string;
  options: FollowOptions;
  stream: PassThrough;
}

export class FakeContainerSource implements ContainerSource {
  readonly address = 'unix:///fake/docker.sock';
  readonly containers = new Map<string, FakeContainer>();
  readonly follows: RecordedFollow[] = [];
  readonly eventStreams: PassThrough[] = [];
  /** While set, every call fails with it (an engine that cannot be reached). */
  failure: Error | undefined;
  /** How many calls were made, failed ones included. */
  calls = 0;
  /** Each follow takes the first of these, if any, and fails with it after a good inspect (a 500 from dockerd). */
  readonly followFailures: Error[] = [];
  /** Follows asked for, failed ones included. */
  followAttempts = 0;

  addContainer(id: string, options: { tty?: boolean; running?: boolean; name?: string } = {}): void {
    this.containers.set(id, {
      running: options.running ?? true,
      info: {
        id,
        name: options.name ?? id,
        image: 'busybox',
        state: options.running === false ? 'exited' : 'running',
        status: 'Up',
        createdAt: 1_700_000_000,
        tty: options.tty ?? false,
      },
    });
  }

  async list(): Promise<ContainerInfo[]> {
    this.check();
    return [...this.containers.values()].map((c) => c.info);
  }

  async events(): Promise<Readable> {
    this.check();
    const stream = new PassThrough({ objectMode: true });
    this.eventStreams.push(stream);
    return stream;
  }

  emit(event: ContainerEvent): void {
    for (const stream of this.eventStreams) if (!stream.destroyed) stream.write(event);
  }

  async inspect(containerId: string): Promise<ContainerState> {
    this.check();
    const container = this.containers.get(containerId);
    if (!container) throw new ContainerNotFoundError(containerId);
    return { running: container.running, tty: container.info.tty };
  }

  async follow(containerId: string, options: FollowOptions): Promise<LogFollow> {
    const { tty } = await this.inspect(containerId);
    this.followAttempts += 1;
    const failure = this.followFailures.shift();
    if (failure) throw failure;
    const stream = new PassThrough();
    this.follows.push({ containerId, options, stream });
    return { stream, mode: tty ? 'raw' : 'multiplexed' };
  }

  /** The newest follow of a container. */
  lastFollow(containerId: string): RecordedFollow {
    const follow = this.follows.filter((f) => f.containerId === containerId).at(-1);
    if (!follow) throw new Error(`no follow of ${containerId}`);
    return follow;
  }

  private check(): void {
    this.calls += 1;
    if (this.failure) throw this.failure;
  }
}
