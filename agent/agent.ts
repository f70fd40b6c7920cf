/**
 * The agent: ties the Docker engine (inventory, events, one follower per streamed container) to
 * the cloud connection, and does what the cloud asks.
 *
 *   connect/reconnect      → agent.register with the inventory (the connection's handshake)
 *   agent.registered with another agent id than the configured one → stop, and say so (onFatal)
 *   agent.registered       → batches (held until now) and inventory changes may go; every
 *                            follow not in its `watched` list stops (a stop sent while the agent
 *                            was away is lost), unless a start for it came after the registration
 *   Docker (re)reachable   → agent.register again: the cloud starts streams only on register
 *                            (first asking the engine its name, if no host name was configured)
 *   Docker events          → agent.inventory with what changed since the last report (not the
 *                            whole list); a restarted container's follower follows again
 *   log.stream.start       → start a follower; if one exists, revive its stream if it ended
 *                            (Docker, not the last listing, decides: a container hidden by its
 *                            sidetail.enable label, or gone, ends the follower, saying why)
 *   container gone (404)   → forget its follower (it stopped itself), so a later start begins anew
 *   log.stream.stop        → stop and forget it, and its batches not yet sent (Docker has them)
 *   Docker's destroy       → the log file is gone: read the stream to its end, deliver every
 *                            batch until acked (a later stop discards none), forget the outbox
 *   log.ack                → the container's next batch may go (one in flight per container);
 *                            at the memory bound across containers Docker streams pause, and
 *                            follow anew once acks free room (transport/memory-budget.ts)
 *   error not_registered   → hold batches and register again
 *   inventory.ack          → that inventory is stored and relayed (else: sent again, then register)
 *   error for an inventory → register again: its whole list brings the cloud up to date
 *   error naming a batch   → resend it with backoff, or put a `refused` marker in its place
 *                            when it cannot succeed (batch-refusal-policy.ts)
 *   API Gateway's own error → (throttled, a Lambda that failed; no message named) resend the
 *                            registration, every batch and inventory change unacknowledged then,
 *                            after a short backoff
 */
import os from 'node:os';
import type Dockerode from 'dockerode';
import {
  DEFAULT_BUFFER_LINES,
  type AgentInventory,
  type AgentRegister,
  type CloudToAgent,
  type ContainerInfo,
  type LogStreamStart,
} from '../protocol';
import { AGENT_VERSION } from './agent-version';
import type { ContainerEvent, ContainerSource } from './docker/container-source';
import { DockerContainerSource } from './docker/docker-container-source';
import { DockerMonitor, type Listing } from './docker/docker-monitor';
import { LogFollower } from './docker/log-follower';
import { HostName } from './host-name';
import { inventoryChanges } from './inventory-changes';
import { fitInventory } from './inventory-fit';
import { consoleLogger, type Logger } from './logger';
import { DeliveryLag } from './status/delivery-lag';
import { StatusReporter } from './status/status-reporter';
import { BatchDelivery, type SkipCounts } from './transport/batch-delivery';
import type { CrashLoopLimits } from './transport/batch-refusal-policy';
import { CloudConnection } from './transport/cloud-connection';
import { GatewayRefusals } from './transport/gateway-refusals';
import { InventoryDelivery } from './transport/inventory-delivery';
import { DEFAULT_MAX_BUFFER_BYTES, MemoryBudget } from './transport/memory-budget';
import { Registration } from './transport/registration';
import type { BackoffOptions } from './transport/reconnect-backoff';

export interface AgentOptions {
  /** The cloud's WebSocket URL (ws:// or wss://), without query string. */
  readonly url: string;
  /** The agent credential's token; the cloud takes this host's agent id from its credential. */
  readonly token: string;
  /** Shown in the dashboard. Default: the Docker engine's own name (host-name.ts). */
  readonly hostName?: string;
  /**
   * The agent id the operator expects. The credential decides the id (the cloud answers it in
   * agent.registered); if it is another, the agent stops before sending anything but its
   * registration, and calls onFatal.
   */
  readonly agentId?: string;
  /** The agent stopped itself for good (a wrong agent id); the message says why. */
  readonly onFatal?: (message: string) => void;
  /** Show and stream only containers labelled sidetail.enable=true (container-visibility.ts). */
  readonly optIn?: boolean;
  readonly docker: Dockerode;
  /**
   * The most history lines read when a stream starts fresh (log.stream.start's `tail` is capped
   * at this). Default DEFAULT_BUFFER_LINES, the size of the cloud's buffer.
   */
  readonly defaultTail?: number;
  readonly logger?: Logger;
  /**
   * The bound on the bytes of log lines held across all containers (SIDETAIL_MAX_BUFFER_BYTES);
   * above it Docker streams are paused. Default DEFAULT_MAX_BUFFER_BYTES (64 MiB).
   */
  readonly maxBufferBytes?: number;
  /** The longest line kept whole (SIDETAIL_MAX_LINE_BYTES); longer ones are cut. Default MAX_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** Timings, for tests and unusual networks; the defaults suit production. */
  readonly tuning?: AgentTuning;
}

export interface AgentTuning {
  /** Between attempts to reach an unreachable Docker engine. Default 5000. */
  readonly dockerRetryMs?: number;
  readonly reconnect?: BackoffOptions;
  /** Ping after this long without a frame from the cloud. Default 30000 (transport/heartbeat.ts). */
  readonly heartbeatMs?: number;
  /** A ping unanswered this long ends the connection. Default 20000. */
  readonly heartbeatTimeoutMs?: number;
  /** Replace the connection by this age (API Gateway closes at 2 h). Default 110 min. */
  readonly maxConnectionAgeMs?: number;
  /** Replace it up to this much before maxConnectionAgeMs, at random. Default 5 min. */
  readonly replaceJitterMs?: number;
  /** How long a replacement waits for the old connection's batches in flight to be acked. Default 10000. */
  readonly handoverDrainMs?: number;
  /** Between agent.status reports (lag, skip counts). Default 60000. */
  readonly statusIntervalMs?: number;
  readonly batchDelayMs?: number;
  /** After a container's log stream ends, when to check whether it runs again. Default 1000. */
  readonly recheckDelayMs?: number;
  /** How long to wait for agent.registered before registering again. Default 10000. */
  readonly registrationTimeoutMs?: number;
  /** How long stop() waits for the WebSocket to close cleanly. Default 2000. */
  readonly shutdownGraceMs?: number;
  /** How long a batch may wait for its log.ack before it is sent again. Default 30000. */
  readonly ackTimeoutMs?: number;
  /** How long an agent.inventory may wait for its inventory.ack before it is sent again. Default 10000. */
  readonly inventoryAckTimeoutMs?: number;
  /** Between API Gateway's refusal of a message and the resend. Default 200 ms doubling to 5 s. */
  readonly gatewayRetry?: BackoffOptions;
  /** When a batch the cloud keeps failing on is replaced by a marker (batch-refusal-policy.ts). */
  readonly crashLoop?: CrashLoopLimits;
  /** A Docker stream paused this long is followed anew instead of resumed (log-follower.ts). Default 0: always. */
  readonly refollowAfterPauseMs?: number;
  /** How long a catch-up may count the lines it skips before its first line goes. Default 1500. */
  readonly catchUpBudgetMs?: number;
}

/** What delivery holds and what it could not deliver: for status reports and specs. */
export interface DeliveryState {
  readonly heldBytes: number;
  readonly peakHeldBytes: number;
  readonly maxHeldBytes: number;
  /** Docker's timestamp of the oldest line not yet acknowledged by the cloud, if any. */
  readonly oldestUnacknowledgedTs: string | undefined;
  /** Lines in skip markers the cloud acknowledged, by reason. */
  readonly skipped: SkipCounts;
  readonly droppedWithoutMarker: number;
}

export interface Agent {
  start(): void;
  /** What delivery holds now and what it could not deliver (read-only). */
  deliveryState(): DeliveryState;
  /** Stops following, sends what is batched, closes the connection. Resolves within the shutdown grace. */
  stop(): Promise<void>;
}

/** Everything AgentOptions holds, with the engine given as a ContainerSource instead of dockerode. */
export interface AgentDependencies extends Omit<AgentOptions, 'docker' | 'optIn'> {
  readonly source: ContainerSource;
}

function connectionLifetime(tuning: AgentTuning) {
  return {
    ...(tuning.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: tuning.heartbeatTimeoutMs } : {}),
    ...(tuning.maxConnectionAgeMs !== undefined ? { maxConnectionAgeMs: tuning.maxConnectionAgeMs } : {}),
    ...(tuning.replaceJitterMs !== undefined ? { replaceJitterMs: tuning.replaceJitterMs } : {}),
    ...(tuning.handoverDrainMs !== undefined ? { handoverDrainMs: tuning.handoverDrainMs } : {}),
  };
}

export function createAgent(options: AgentOptions): Agent {
  const { docker, optIn, ...rest } = options;
  return new SidetailAgent({ ...rest, source: new DockerContainerSource(docker, { optIn: optIn ?? false }) });
}

export class SidetailAgent implements Agent {
  private inventory: ContainerInfo[] = [];
  /** When `inventory` was listed (the agent's clock, strictly increasing); 0 before Docker answered. */
  private observedAt = 0;
  /** Containers events named since the last report, whose status may then be news. */
  private namedByEvents = new Set<string>();
  /** The (fitted) list the cloud was last told on this connection; changes are relative to it. */
  private reported: ContainerInfo[] | undefined;
  private reportedOmitted = 0;
  private readonly followers = new Map<string, LogFollower>();
  /** Removed containers whose followers still read what Docker had left to send. */
  private readonly finishing = new Set<string>();
  private readonly logger: Logger;
  private readonly connection: CloudConnection;
  private readonly delivery: BatchDelivery;
  private readonly monitor: DockerMonitor;
  private stopping: Promise<void> | undefined;
  private readonly registration: Registration;
  private readonly inventoryDelivery: InventoryDelivery;
  private readonly gatewayRefusals: GatewayRefusals;
  private readonly lag: DeliveryLag;
  private readonly status: StatusReporter;
  /** The agent id the cloud confirmed (the credential's), once registered. */
  private agentId: string | undefined;
  /** How many agent.register messages were sent; with `startedAfter`, which starts are newer than the latest. */
  private registrationsSent = 0;
  /** Per container, `registrationsSent` when its latest log.stream.start arrived. */
  private readonly startedAfter = new Map<string, number>();
  private readonly hostName: HostName;

  constructor(private readonly deps: AgentDependencies) {
    this.logger = deps.logger ?? consoleLogger;
    this.hostName = new HostName({
      configured: deps.hostName,
      engineName: deps.source.engineName?.bind(deps.source),
      fallback: os.hostname(),
      logger: this.logger,
    });
    const tuning = deps.tuning ?? {};
    this.connection = new CloudConnection({
      url: deps.url,
      token: deps.token,
      logger: this.logger,
      handshake: () => {
        this.registration.sent();
        return this.registerMessage();
      },
      onMessage: (message) => this.onCloudMessage(message),
      onGatewayError: (frame) => this.gatewayRefusals.refused(frame),
      onClose: () => {
        this.gatewayRefusals.reset();
        this.registration.reset();
        this.inventoryDelivery.reset();
        this.delivery.pause();
      },
      ...(tuning.reconnect ? { backoff: tuning.reconnect } : {}),
      ...(tuning.heartbeatMs !== undefined ? { heartbeatMs: tuning.heartbeatMs } : {}),
      ...connectionLifetime(tuning),
      // A replacement registers once the old connection's batches are acked: none is sent twice.
      isDrained: () => !this.delivery.hasInFlight(),
      onHandoverCancelled: () => this.delivery.resume(),
    });
    this.registration = new Registration({
      register: () => this.connection.send(this.registerMessage()),
      onConfirmed: () => this.onRegistered(),
      logger: this.logger,
      ...(tuning.registrationTimeoutMs !== undefined ? { timeoutMs: tuning.registrationTimeoutMs } : {}),
    });
    this.inventoryDelivery = new InventoryDelivery({
      send: (message) => this.connection.send(message),
      onUnconfirmed: () => this.reregister(),
      logger: this.logger,
      ...(tuning.inventoryAckTimeoutMs !== undefined ? { ackTimeoutMs: tuning.inventoryAckTimeoutMs } : {}),
    });
    const connection = this.connection;
    const isRegistered = () => this.registration.isConfirmed;
    this.delivery = new BatchDelivery({
      channel: {
        get connected() {
          // Not while a replacement waits for the old connection to drain (cloud-connection.ts).
          return connection.connected && isRegistered() && !connection.handingOver;
        },
        send: (message, encoded) => connection.send(message, encoded),
        isCongested: () => connection.isCongested(),
        onceDrained: (listener) => connection.onceDrained(listener),
      },
      logger: this.logger,
      budget: new MemoryBudget({ maxBytes: deps.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES }),
      ...(tuning.ackTimeoutMs !== undefined ? { ackTimeoutMs: tuning.ackTimeoutMs } : {}),
      ...(tuning.crashLoop ? { crashLoop: tuning.crashLoop } : {}),
    });
    this.gatewayRefusals = new GatewayRefusals({
      logger: this.logger,
      onRefused: (frame) => {
        this.registration.gatewayRefused();
        this.delivery.gatewayRefused(frame);
        this.inventoryDelivery.gatewayRefused();
      },
      onResend: () => {
        this.registration.resendRefused();
        this.delivery.resendRefused();
        this.inventoryDelivery.resendRefused();
      },
      ...(tuning.gatewayRetry ? { backoff: tuning.gatewayRetry } : {}),
    });
    this.lag = new DeliveryLag(this.delivery);
    this.status = new StatusReporter({
      lag: this.lag,
      skipped: () => this.delivery.skipCounts(),
      send: (message) => this.registration.isConfirmed && !this.connection.handingOver && this.connection.send(message),
      ...(tuning.statusIntervalMs !== undefined ? { intervalMs: tuning.statusIntervalMs } : {}),
    });
    this.monitor = new DockerMonitor({
      source: deps.source,
      logger: this.logger,
      ...(tuning.dockerRetryMs !== undefined ? { retryMs: tuning.dockerRetryMs } : {}),
      onReachable: (listing) => this.onDockerReachable(listing),
      onInventory: (listing) => this.onInventory(listing),
      onContainerEvent: (event) => this.onContainerEvent(event),
    });
  }

  deliveryState(): DeliveryState {
    return {
      heldBytes: this.delivery.heldBytes,
      peakHeldBytes: this.delivery.peakHeldBytes,
      maxHeldBytes: this.delivery.maxHeldBytes,
      oldestUnacknowledgedTs: this.delivery.oldestUnacknowledgedTs(),
      skipped: this.delivery.skipCounts(),
      droppedWithoutMarker: this.delivery.droppedWithoutMarker,
    };
  }

  start(): void {
    this.logger.info(`Sidetail agent ${AGENT_VERSION} starting${this.deps.hostName === undefined ? '' : ` on ${this.deps.hostName}`}.`);
    this.monitor.start();
    this.connection.start();
    this.status.start();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.monitor.stop();
      this.status.stop();
      for (const follower of this.followers.values()) follower.stop();
      this.followers.clear();
      this.delivery.stop();
      this.registration.stop();
      this.inventoryDelivery.stop();
      this.gatewayRefusals.stop();
      await this.connection.stop(this.deps.tuning?.shutdownGraceMs ?? 2000);
      this.logger.info('Sidetail agent stopped.');
    })();
    return this.stopping;
  }

  private onDockerReachable(listing: Listing): void {
    this.observe(listing);
    // Registering (not just an inventory) makes the cloud send log.stream.start for the
    // containers viewers are waiting on, which it may have asked for while Docker was away.
    const register = (): void => {
      if (!this.stopping && this.connection.send(this.registerMessage())) this.registration.sent();
    };
    // Not configured: the engine's name, asked once it answers, goes with this registration.
    if (this.hostName.known) register();
    else void this.hostName.learn().then(register);
    for (const follower of this.followers.values()) follower.recheck();
  }

  private onInventory(listing: Listing): void {
    this.observe(listing);
    // Unconfirmed: the changes go once agent.registered arrives, relative to the list registered.
    if (this.registration.isConfirmed) this.sendInventoryChanges();
  }

  private observe(listing: Listing): void {
    this.inventory = listing.containers;
    // Strictly increasing, so that the cloud orders this agent's reports even within one ms.
    this.observedAt = Math.max(listing.observedAt, this.observedAt + 1);
    for (const id of listing.namedByEvents) this.namedByEvents.add(id);
    // A follower whose container is no longer listed (its destroy event missed) checks, and on a 404 is dropped.
    const listed = new Set(listing.containers.map((c) => c.id));
    for (const [id, follower] of this.followers) if (!listed.has(id)) follower.recheck();
  }

  private onRegistered(): void {
    this.connection.handoverConfirmed();
    this.sendInventoryChanges();
    this.delivery.resume();
  }

  /** The cloud refused the registration or no longer knows it: hold batches, register again. */
  private reregister(): void {
    this.registration.refused();
    this.delivery.pause();
  }

  private onContainerEvent(event: ContainerEvent): void {
    if (event.action === 'destroy') this.containerRemoved(event.containerId);
    if (event.action === 'start') this.followers.get(event.containerId)?.containerStarted();
  }

  /** Its log file went with it: what the follower and the outbox hold are the only copies left. */
  private containerRemoved(containerId: string): void {
    const follower = this.followers.get(containerId);
    if (!follower) {
      this.delivery.release(containerId);
      return;
    }
    this.delivery.containerRemoved(containerId);
    this.finishing.add(containerId);
    void follower.finish().then(() => {
      this.finishing.delete(containerId);
      if (this.followers.get(containerId) === follower) this.followers.delete(containerId);
      this.delivery.release(containerId);
    });
  }

  private onCloudMessage(message: CloudToAgent): void {
    switch (message.action) {
      case 'agent.registered':
        if (this.deps.agentId !== undefined && message.agentId !== this.deps.agentId) return this.wrongAgentId(message.agentId);
        // The id is the credential's: the agent learns it here, and says so once.
        if (message.agentId !== this.agentId) this.logger.info(`Registered as agent "${message.agentId}".`);
        this.agentId = message.agentId;
        if (message.watched) this.stopUnwatched(message.watched);
        this.registration.confirm();
        return;
      case 'log.stream.start':
        this.startedAfter.set(message.containerId, this.registrationsSent);
        this.startFollowing(message);
        return;
      case 'log.stream.stop':
        this.stopFollowing(message.containerId);
        return;
      case 'log.ack':
        this.gatewayRefusals.delivered();
        this.delivery.acknowledge(message);
        return;
      case 'inventory.ack':
        this.gatewayRefusals.delivered();
        this.inventoryDelivery.acknowledge(message.observedAt);
        return;
      case 'error':
        this.logger.warn(
          `The cloud rejected ${message.requestAction ?? 'a message'} (${message.code}): ${message.message}`,
        );
        if (message.code === 'not_registered' || message.requestAction === 'agent.register' || message.requestAction === 'agent.inventory') {
          this.reregister();
        } else if (message.requestAction === 'log.batch') this.delivery.refused(message);
        return;
      case 'pong':
        return;
    }
  }

  /** The credential is another agent's than the one configured: nothing may go under its name. */
  private wrongAgentId(credentialAgentId: string): void {
    const expected = this.deps.agentId!;
    const message =
      `The credential (SIDETAIL_AGENT_TOKEN) is for agent "${credentialAgentId}", but SIDETAIL_AGENT_ID (--agent-id) says "${expected}": ` +
      `use the token minted for "${expected}", or set the agent id to "${credentialAgentId}". Stopping.`;
    this.logger.error(message);
    void this.stop().then(() => this.deps.onFatal?.(message));
  }

  private startFollowing(message: LogStreamStart): void {
    if (this.stopping) return;
    const existing = this.followers.get(message.containerId);
    if (existing) {
      // Keeps the follower's own numbering and resume point, at least as new as the cloud's.
      existing.revive();
      return;
    }
    const tuning = this.deps.tuning ?? {};
    const tail = Math.min(message.tail, this.deps.defaultTail ?? DEFAULT_BUFFER_LINES);
    // A stop and quick restart can leave batches of this epoch unacked (one in flight): the start's
    // resume point may not include them yet, so the new follower continues after them, and the
    // resume filter drops their lines when Docker gives them again (no catch-up: nothing was missed).
    const queued = this.delivery.queuedResumePoint(message.containerId, message.epoch);
    const resume = queued && (!message.resume || queued.seq >= message.resume.seq) ? queued : message.resume;
    const catchUp = message.catchUp && resume === message.resume;
    const follower = new LogFollower({
      containerId: message.containerId,
      source: this.deps.source,
      sink: this.delivery.sinkFor(message.containerId),
      logger: this.logger,
      request: resume ? { tail, resume, epoch: message.epoch, ...(catchUp ? { catchUp: true } : {}) } : { tail, epoch: message.epoch },
      ...(tuning.batchDelayMs !== undefined ? { batchDelayMs: tuning.batchDelayMs } : {}),
      ...(this.deps.maxLineBytes !== undefined ? { maxLineBytes: this.deps.maxLineBytes } : {}),
      ...(tuning.recheckDelayMs !== undefined ? { recheckDelayMs: tuning.recheckDelayMs } : {}),
      ...(tuning.refollowAfterPauseMs !== undefined ? { refollowAfterPauseMs: tuning.refollowAfterPauseMs } : {}),
      ...(tuning.catchUpBudgetMs !== undefined ? { catchUpBudgetMs: tuning.catchUpBudgetMs } : {}),
      onGone: () => {
        if (this.followers.get(message.containerId) !== follower) return;
        this.followers.delete(message.containerId);
        // What it queued still goes; the outbox is forgotten once empty (batch-delivery release).
        this.delivery.release(message.containerId);
      },
    });
    this.followers.set(message.containerId, follower);
    this.lag.streamStarted(message.containerId);
    follower.start();
  }

  private stopFollowing(containerId: string): void {
    // A removed container's follower reads Docker's last bytes to the end: stopping it would lose them.
    if (this.finishing.has(containerId)) return;
    this.followers.get(containerId)?.stop();
    this.followers.delete(containerId);
    this.delivery.discardQueued(containerId);
    this.delivery.release(containerId);
  }

  /**
   * The cloud's list of watched containers is authoritative, but it was computed when the
   * registration was handled: a follow a start asked for after the latest agent.register was sent
   * (a viewer subscribing meanwhile) may be missing from it and stays.
   */
  private stopUnwatched(watched: readonly string[]): void {
    const keep = new Set(watched);
    const unwatched = [...this.followers.keys()].filter(
      (containerId) => !keep.has(containerId) && this.startedAfter.get(containerId) !== this.registrationsSent,
    );
    for (const containerId of unwatched) this.stopFollowing(containerId);
    for (const containerId of this.startedAfter.keys()) if (!this.followers.has(containerId)) this.startedAfter.delete(containerId);
    if (unwatched.length > 0) this.logger.info(`Stopped following ${unwatched.length} container(s) nobody watches.`);
  }

  private registerMessage(): AgentRegister {
    this.registrationsSent += 1;
    const envelope = {
      action: 'agent.register' as const,
      hostName: this.hostName.current,
      agentVersion: AGENT_VERSION,
    };
    const containers = this.fitted();
    this.reported = containers;
    this.namedByEvents.clear();
    // The whole list covers whatever inventory is still waiting for its ack.
    this.inventoryDelivery.reset();
    return { ...envelope, containers, observedAt: this.observedAt };
  }

  /** Sends what changed since the last report, if anything did. */
  private sendInventoryChanges(): void {
    if (!this.reported) return;
    const current = this.fitted();
    const { upsert, remove } = inventoryChanges(this.reported, current, this.namedByEvents);
    if (upsert.length === 0 && remove.length === 0) return;
    const message: AgentInventory = { action: 'agent.inventory', observedAt: this.observedAt, upsert, remove };
    // Unsent (no connection): the next connection registers with the whole list anyway.
    if (!this.inventoryDelivery.send(message)) return;
    this.reported = current;
    this.namedByEvents.clear();
  }

  private fitted(): ContainerInfo[] {
    const { containers, omitted } = fitInventory(this.inventory);
    if (omitted > 0 && omitted !== this.reportedOmitted) {
      this.logger.warn(`${omitted} of ${this.inventory.length} containers are left out of the inventory: it would not fit in one message.`);
    }
    this.reportedOmitted = omitted;
    return containers;
  }
}
