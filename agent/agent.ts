/**
 * The agent: ties the Docker engine (inventory, events, one follower per streamed container) to
 * the cloud connection, and does what the cloud asks.
 *
 *   connect/reconnect      → agent.register with the inventory (the connection's handshake)
 *   agent.registered       → batches (held until now) and inventory changes may go; every
 *                            follow not in its `watched` list stops (a stop sent while the agent
 *                            was away is lost), unless a start for it came after the registration
 *   Docker (re)reachable   → agent.register again: the cloud starts streams only on register
 *   Docker events          → agent.inventory with what changed since the last report (not the
 *                            whole list); a restarted container's follower follows again
 *   log.stream.start       → start a follower; if one exists, revive its stream if it ended
 *   container gone (404)   → forget its follower (it stopped itself), so a later start begins anew
 *   log.stream.stop        → stop and forget it, and its batches not yet sent (Docker has them)
 *   Docker's destroy       → the log file is gone: read the stream to its end, deliver every
 *                            batch until acked (a later stop discards none), forget the outbox
 *   log.ack                → the container's next batch may go (one in flight per container)
 *   error not_registered   → hold batches and register again
 *   inventory.ack          → that inventory is stored and relayed (else: sent again, then register)
 *   error for an inventory → register again: its whole list brings the cloud up to date
 *   error naming a batch   → resend it soon (retry: true) or drop it, saying so (retry: false)
 *   API Gateway's own error → (throttled, a Lambda that failed; no message named) resend the
 *                            registration, every batch and inventory change unacknowledged then,
 *                            after a short backoff
 */
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
import { inventoryChanges } from './inventory-changes';
import { fitInventory } from './inventory-fit';
import { consoleLogger, type Logger } from './logger';
import { BatchDelivery } from './transport/batch-delivery';
import { CloudConnection } from './transport/cloud-connection';
import { GatewayRefusals } from './transport/gateway-refusals';
import { InventoryDelivery } from './transport/inventory-delivery';
import { Registration } from './transport/registration';
import type { BackoffOptions } from './transport/reconnect-backoff';

export interface AgentOptions {
  /** The cloud's WebSocket URL (ws:// or wss://), without query string. */
  readonly url: string;
  /** The agent credential's token; the cloud takes this host's agent id from its credential. */
  readonly token: string;
  readonly hostName: string;
  readonly docker: Dockerode;
  /**
   * The most history lines read when a stream starts fresh (log.stream.start's `tail` is capped
   * at this). Default DEFAULT_BUFFER_LINES, the size of the cloud's buffer.
   */
  readonly defaultTail?: number;
  readonly logger?: Logger;
  /** Timings, for tests and unusual networks; the defaults suit production. */
  readonly tuning?: AgentTuning;
}

export interface AgentTuning {
  /** Between attempts to reach an unreachable Docker engine. Default 5000. */
  readonly dockerRetryMs?: number;
  readonly reconnect?: BackoffOptions;
  readonly heartbeatMs?: number;
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
  /** How long a catch-up may count the lines it skips before its first line goes. Default 1500. */
  readonly catchUpBudgetMs?: number;
}

export interface Agent {
  start(): void;
  /** Stops following, sends what is batched, closes the connection. Resolves within the shutdown grace. */
  stop(): Promise<void>;
}

/** Everything AgentOptions holds, with the engine given as a ContainerSource instead of dockerode. */
export interface AgentDependencies extends Omit<AgentOptions, 'docker'> {
  readonly source: ContainerSource;
}

export function createAgent(options: AgentOptions): Agent {
  const { docker, ...rest } = options;
  return new SidetailAgent({ ...rest, source: new DockerContainerSource(docker) });
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
  /** The agent id the cloud confirmed (the credential's), once registered. */
  private agentId: string | undefined;
  /** How many agent.register messages were sent; with `startedAfter`, which starts are newer than the latest. */
  private registrationsSent = 0;
  /** Per container, `registrationsSent` when its latest log.stream.start arrived. */
  private readonly startedAfter = new Map<string, number>();

  constructor(private readonly deps: AgentDependencies) {
    this.logger = deps.logger ?? consoleLogger;
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
          return connection.connected && isRegistered();
        },
        send: (message, encoded) => connection.send(message, encoded),
        isCongested: () => connection.isCongested(),
        onceDrained: (listener) => connection.onceDrained(listener),
      },
      logger: this.logger,
      ...(tuning.ackTimeoutMs !== undefined ? { ackTimeoutMs: tuning.ackTimeoutMs } : {}),
    });
    this.gatewayRefusals = new GatewayRefusals({
      logger: this.logger,
      onRefused: () => {
        this.registration.gatewayRefused();
        this.delivery.gatewayRefused();
        this.inventoryDelivery.gatewayRefused();
      },
      onResend: () => {
        this.registration.resendRefused();
        this.delivery.resendRefused();
        this.inventoryDelivery.resendRefused();
      },
      ...(tuning.gatewayRetry ? { backoff: tuning.gatewayRetry } : {}),
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

  start(): void {
    this.logger.info(`Sidetail agent ${AGENT_VERSION} starting on ${this.deps.hostName}.`);
    this.monitor.start();
    this.connection.start();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.monitor.stop();
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
    if (this.connection.send(this.registerMessage())) this.registration.sent();
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
    const follower = new LogFollower({
      containerId: message.containerId,
      source: this.deps.source,
      sink: this.delivery.sinkFor(message.containerId),
      logger: this.logger,
      request: message.resume ? { tail, resume: message.resume, epoch: message.epoch } : { tail, epoch: message.epoch },
      ...(tuning.batchDelayMs !== undefined ? { batchDelayMs: tuning.batchDelayMs } : {}),
      ...(tuning.recheckDelayMs !== undefined ? { recheckDelayMs: tuning.recheckDelayMs } : {}),
      ...(tuning.catchUpBudgetMs !== undefined ? { catchUpBudgetMs: tuning.catchUpBudgetMs } : {}),
      onGone: () => {
        if (this.followers.get(message.containerId) !== follower) return;
        this.followers.delete(message.containerId);
        // What it queued still goes; the outbox is forgotten once empty (batch-delivery release).
        this.delivery.release(message.containerId);
      },
    });
    this.followers.set(message.containerId, follower);
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
      hostName: this.deps.hostName,
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
