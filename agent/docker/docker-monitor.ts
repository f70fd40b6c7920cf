/**
 * Keeps the agent connected to the Docker engine and its inventory current.
 *
 * Connecting = subscribing to container events, then listing containers (in that order, so no
 * change falls between the two). While the engine cannot be reached it retries every `retryMs`,
 * saying so ONCE per outage — a missing socket is a configuration problem the user must see, but
 * not a thousand times. When the engine answers again it says that too, and hands over the
 * fresh inventory. Container events refresh the inventory (debounced: `docker compose up` fires
 * dozens at once). Each listing comes with when it was taken and which containers events named
 * since the previous one, so the agent can report just the changes, in order.
 */
import type { Readable } from 'node:stream';
import type { ContainerInfo } from '../../protocol';
import type { Logger } from '../logger';
import type { ContainerEvent, ContainerSource } from './container-source';

/** One listing of the engine's containers. */
export interface Listing {
  readonly containers: ContainerInfo[];
  /** Epoch ms (the agent's clock) just before the listing was asked for: it shows everything before. */
  readonly observedAt: number;
  /** Containers named by inventory events since the previous listing. */
  readonly namedByEvents: ReadonlySet<string>;
}

export interface DockerMonitorOptions {
  readonly source: ContainerSource;
  readonly logger: Logger;
  /** The engine answered (first time or after an outage): here is everything it has. */
  readonly onReachable: (listing: Listing) => void;
  /** The inventory may have changed after container events. */
  readonly onInventory: (listing: Listing) => void;
  /** Each container event, before the inventory refresh it causes. */
  readonly onContainerEvent: (event: ContainerEvent) => void;
  readonly retryMs?: number;
  readonly refreshDebounceMs?: number;
}

export const DEFAULT_DOCKER_RETRY_MS = 5000;
const RECONNECT_AFTER_END_MS = 1000;

/** Events after which what the dashboard shows about a container may differ. */
const INVENTORY_ACTIONS = new Set([
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'oom',
  'pause',
  'unpause',
  'rename',
  'update',
  'destroy',
  'health_status',
]);

export class DockerMonitor {
  private stopped = false;
  private started = false;
  private reachable = false;
  private everReached = false;
  private outageReported = false;
  private events: Readable | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing = false;
  private refreshAgain = false;
  private namedByEvents = new Set<string>();
  private readonly retryMs: number;

  constructor(private readonly options: DockerMonitorOptions) {
    this.retryMs = options.retryMs ?? DEFAULT_DOCKER_RETRY_MS;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    this.events?.destroy();
    this.events = undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let events: Readable | undefined;
    let containers: ContainerInfo[];
    let observedAt: number;
    try {
      events = await this.options.source.events();
      observedAt = Date.now();
      containers = await this.options.source.list();
    } catch (err) {
      events?.destroy();
      this.unreachable(err);
      return;
    }
    if (this.stopped) {
      events.destroy();
      return;
    }
    this.events = events;
    this.reachable = true;
    if (!this.everReached || this.outageReported) {
      const again = this.outageReported ? ' again' : '';
      const count = containers.length;
      this.options.logger.info(`Docker is reachable${again} at ${this.options.source.address} (${count} container${count === 1 ? '' : 's'}).`);
    }
    this.everReached = true;
    this.outageReported = false;
    events.on('data', (event: ContainerEvent) => this.onEvent(event));
    let ended = false;
    const onEnd = (): void => {
      if (ended || events !== this.events) return;
      ended = true;
      this.events = undefined;
      this.reachable = false;
      if (this.stopped) return;
      // Usually the engine stopped or restarted. Reconnect soon; only a failed attempt is an
      // outage worth a line (with the real reason), a blip is not.
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.connect(), Math.min(this.retryMs, RECONNECT_AFTER_END_MS));
    };
    events.once('end', onEnd);
    events.once('error', onEnd);
    events.once('close', onEnd);
    this.options.onReachable({ containers, observedAt, namedByEvents: this.takeNamedByEvents() });
  }

  private unreachable(err: unknown): void {
    if (this.stopped) return;
    this.reachable = false;
    if (!this.outageReported) {
      this.outageReported = true;
      this.options.logger.error(
        `Docker is not reachable at ${this.options.source.address} (${describe(err)}). ` +
          `Set DOCKER_HOST to point at your engine; retrying every ${formatSeconds(this.retryMs)}.`,
      );
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
  }

  private onEvent(event: ContainerEvent): void {
    if (this.stopped) return;
    try {
      this.options.onContainerEvent(event);
    } catch (err) {
      this.options.logger.error(`Failed to handle Docker event ${event.action}: ${describe(err)}`);
    }
    if (!INVENTORY_ACTIONS.has(event.action)) return;
    this.namedByEvents.add(event.containerId);
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), this.options.refreshDebounceMs ?? 100);
  }

  private takeNamedByEvents(): Set<string> {
    const named = this.namedByEvents;
    this.namedByEvents = new Set();
    return named;
  }

  private async refresh(): Promise<void> {
    // One listing at a time; events that arrive meanwhile cause one more after it.
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    const namedByEvents = this.takeNamedByEvents();
    try {
      const observedAt = Date.now();
      const containers = await this.options.source.list();
      if (!this.stopped) this.options.onInventory({ containers, observedAt, namedByEvents });
    } catch (err) {
      // The next listing reports them instead.
      for (const id of namedByEvents) this.namedByEvents.add(id);
      // The event stream's end reports an outage; anything else is worth a line.
      if (this.reachable) this.options.logger.warn(`Could not refresh the container list: ${describe(err)}`);
    } finally {
      this.refreshing = false;
      if (this.refreshAgain && !this.stopped) {
        this.refreshAgain = false;
        void this.refresh();
      }
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
