/**
 * What the domain needs from the outside world, as narrow interfaces. Adapters implement them
 * over DynamoDB and the API Gateway management API; unit tests implement them in memory.
 * Nothing here knows about the SDK, keys or TTLs.
 */
import type { CloudToAgent, CloudToViewer, ContainerInfo, ContainerRef, LogLine, Role } from '../../protocol';
import type { EncodedMessage } from './encoded-message';

/** A connection as recorded at $connect (and, for agents, completed by agent.register). */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly role: Role;
  /** ISO time. */
  readonly connectedAt: string;
  /** Set once an agent connection has registered. */
  readonly agentId?: string;
}

export interface Connections {
  /** Records the connection and, for a viewer, enrols it for inventory broadcasts. */
  add(connection: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  setAgentId(connectionId: string, agentId: string): Promise<void>;
  /** Viewer connections, for inventory broadcasts. */
  viewerIds(): Promise<string[]>;
  /** Forgets the connection record and its viewer enrolment (not its subscriptions). */
  remove(connectionId: string): Promise<void>;
}

export interface Subscriptions {
  /**
   * Records the subscription stamped `subscribedAt` (the subscribe's request time). A subscription
   * already stamped later is left as it is: it belongs to a newer subscribe of the same viewer.
   */
  add(connectionId: string, container: ContainerRef, subscribedAt: number): Promise<void>;
  /** Unconditional: the clean-up of a connection that is gone. */
  remove(connectionId: string, container: ContainerRef): Promise<void>;
  /**
   * `log.unsubscribe`: deletes the subscription only if it was made at or before `unsubscribeTime`.
   * False (nothing deleted) when a later subscribe of the same viewer, handled first, owns it.
   */
  removeUnlessResubscribed(connectionId: string, container: ContainerRef, unsubscribeTime: number): Promise<boolean>;
  /** The connections subscribed to a container. */
  subscriberIds(container: ContainerRef): Promise<string[]>;
  /** Cheaper than subscriberIds when only "anyone?" matters. */
  hasSubscribers(container: ContainerRef): Promise<boolean>;
  /** What a connection is subscribed to (for its clean-up). */
  ofConnection(connectionId: string): Promise<ContainerRef[]>;
}

/** A host as the cloud knows it. */
export interface AgentRecord {
  readonly agentId: string;
  readonly hostName: string;
  readonly agentVersion: string;
  /** The connection of its latest registration. */
  readonly connectionId: string;
  readonly online: boolean;
  /** ISO time of the last registration or inventory. */
  readonly updatedAt: string;
  readonly containers: readonly ContainerInfo[];
}

export interface Agents {
  get(agentId: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  put(agent: AgentRecord): Promise<void>;
  /**
   * Replaces the container list, only while `connectionId` is still the agent's connection (a
   * stale connection of a re-registered agent must not overwrite the new one). True if it did.
   */
  updateContainers(agentId: string, connectionId: string, containers: readonly ContainerInfo[], updatedAt: string): Promise<boolean>;
  /**
   * Marks the agent offline, only if it is online on `connectionId` (its newer connection keeps
   * it online). True if this call changed it.
   */
  markOffline(agentId: string, connectionId: string, updatedAt: string): Promise<boolean>;
}

/** One stored batch: its lines, in seq order, and the epoch their seqs belong to. */
export interface StoredBatch {
  readonly epoch: number;
  readonly lines: readonly LogLine[];
}

/**
 * What storing a batch did. A stored batch is rewritten only by an identical one: a different
 * batch at the same first seq, or one overlapping a stored batch's seqs, is a conflict (and the
 * stored one is kept).
 */
export type StoreOutcome =
  | { readonly kind: 'stored' }
  /** The identical batch was stored already (a redelivery): nothing changed. */
  | { readonly kind: 'unchanged' }
  /** The stored batch it clashes with. */
  | { readonly kind: 'conflict'; readonly firstSeq: number; readonly lastSeq: number };

export interface LogBuffer {
  /** Stores one batch of `epoch`, unless it conflicts with a stored one (see StoreOutcome). */
  put(container: ContainerRef, lines: readonly LogLine[], epoch: number): Promise<StoreOutcome>;
  /** Deletes the stored batches of epochs before `epoch`, and those of `epoch` whose last seq is at or below `lastSeq`. */
  deleteThrough(container: ContainerRef, epoch: number, lastSeq: number): Promise<void>;
  /**
   * Unexpired stored batches, newest first (the newest epoch's first), each batch's lines in seq
   * order. Lazy: a consumer that stops early costs no further reads.
   */
  newestFirst(container: ContainerRef): AsyncIterable<StoredBatch>;
}

export type Delivery = 'sent' | 'gone';

/** A connection a send found gone; `agentId` when it was an agent's, to mark that agent offline. */
export interface GoneConnection {
  readonly connectionId: string;
  readonly agentId?: string;
}

/** What may be posted: a message, or one already encoded (once, for many connections). */
export type Outgoing = CloudToAgent | CloudToViewer | EncodedMessage;

export interface Messenger {
  /** 'gone' when the connection no longer exists; any other failure throws. */
  send(connectionId: string, message: Outgoing): Promise<Delivery>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms` (a retry's backoff). Default: a real timer; test clocks advance `now` instead. */
  sleep?(ms: number): Promise<void>;
}

export interface Logger {
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface Settings {
  readonly bufferLines: number;
  /** Only $connect needs the tokens; the other routes' functions are deployed without them. */
  readonly agentToken?: string;
  readonly viewerToken?: string;
}

/** Everything a domain function may use; built once per Lambda container. */
export interface Deps {
  readonly connections: Connections;
  readonly subscriptions: Subscriptions;
  readonly agents: Agents;
  readonly buffer: LogBuffer;
  readonly messenger: Messenger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Settings;
  /**
   * Epoch ms by which this invocation should have finished (from Lambda's
   * getRemainingTimeInMillis): retries stop in time for the ack. Absent: DEFAULT_TIME_BUDGET_MS
   * from when the work starts.
   */
  readonly deadline?: number;
}

/** The connection a message arrived on, and when and how big that message was. */
export interface Caller {
  readonly connectionId: string;
  readonly role: Role;
  readonly agentId?: string;
  /**
   * When API Gateway received the message (epoch ms, `requestTimeEpoch`). A connection's messages
   * run concurrently, so this — not the order of handling — says which of two came first.
   */
  readonly requestTime: number;
  /** UTF-8 bytes of the message as received, when known (the handler measures the raw body). */
  readonly messageBytes?: number;
}
