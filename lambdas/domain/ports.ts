/**
 * What the domain needs from the outside world, as narrow interfaces. Adapters implement them
 * over DynamoDB and the API Gateway management API; unit tests implement them in memory.
 * Nothing here knows about the SDK, keys or TTLs.
 */
import type { CloudToAgent, CloudToViewer, ContainerInfo, ContainerRef, LogLine, Role } from '../../protocol';
import type { EncodedMessage } from './encoded-message';

/** A connection as recorded at $connect, with the identity its credential proved. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly role: Role;
  /** ISO time. */
  readonly connectedAt: string;
  /** Agents only: the agent id of the credential (never of a message). */
  readonly agentId?: string;
  /** The credential the connection presented (absent on records written before credentials). */
  readonly credentialId?: string;
}

export interface Connections {
  /** Records the connection and, for a viewer, enrols it for inventory broadcasts. */
  add(connection: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
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
  /**
   * When that connection was opened (epoch ms, `requestContext.connectedAt`): registrations are
   * ordered by it. Absent only on records written before registrations were ordered.
   */
  readonly connectedAt?: number;
  readonly online: boolean;
  /** ISO time of the last registration or inventory. */
  readonly updatedAt: string;
  readonly containers: readonly ContainerInfo[];
}

export interface Agents {
  get(agentId: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  /**
   * Records a registration unless the host is already registered from a newer connection (later
   * `connectedAt`; on a tie, the greater connection id wins). The same connection may register
   * again. True if it was recorded, false if a newer connection owns the host.
   */
  put(agent: AgentRecord): Promise<boolean>;
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

export interface LogBuffer {
  /** Stores one batch. Idempotent: the same first seq is the same stored batch. */
  put(container: ContainerRef, lines: readonly LogLine[]): Promise<void>;
  /** Deletes the stored batches whose last seq is at or below `lastSeq`. */
  deleteThrough(container: ContainerRef, lastSeq: number): Promise<void>;
  /**
   * Unexpired stored batches, newest first, each batch's lines in seq order. Lazy: a consumer
   * that stops early costs no further reads.
   */
  newestFirst(container: ContainerRef): AsyncIterable<readonly LogLine[]>;
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
}

export interface Logger {
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface Settings {
  readonly bufferLines: number;
}

/** Who a connection is, as its credential proved at $connect (the authorizer's context). */
export interface Identity {
  readonly credentialId: string;
  readonly role: Role;
  /** Agents only: the one host this credential may register as. */
  readonly agentId?: string;
}

/** A stored credential: never the secret itself, only its hash (docs/data-model.md). */
export interface Credential extends Identity {
  /** SHA-256 of the secret, hex. */
  readonly secretHash: string;
  /** ISO time. */
  readonly createdAt: string;
  /** ISO time; a revoked credential admits no connection. */
  readonly revokedAt?: string;
}

export interface Credentials {
  get(credentialId: string): Promise<Credential | undefined>;
  /** Every credential, revoked ones included (for `credentials list`). */
  list(): Promise<Credential[]>;
  /** Stores a new credential; throws if its id is taken (ids are random: a clash is a fault). */
  add(credential: Credential): Promise<void>;
  /** Marks it revoked at `revokedAt`; false when there is no such credential. Revoking twice keeps the first time. */
  revoke(credentialId: string, revokedAt: string): Promise<boolean>;
  /** Remembers that a connection was opened with the credential, so revoking can close it. */
  addConnection(credentialId: string, connectionId: string): Promise<void>;
  /** The connections opened with it that may still be open (unexpired). */
  connectionIds(credentialId: string): Promise<string[]>;
}

/** Everything a domain function may use; built once per Lambda container. */
export interface Deps {
  readonly connections: Connections;
  readonly subscriptions: Subscriptions;
  readonly agents: Agents;
  readonly credentials: Credentials;
  readonly buffer: LogBuffer;
  readonly messenger: Messenger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Settings;
}

/** The connection a message arrived on, and when and how big that message was. */
export interface Caller {
  readonly connectionId: string;
  readonly role: Role;
  /** Agents: from the connection's credential (`requestContext.authorizer`), never from a message. */
  readonly agentId?: string;
  /**
   * When the connection was opened (epoch ms, `requestContext.connectedAt`): orders registrations
   * of one agent's connections. The message handler always sets it.
   */
  readonly connectedAt?: number;
  /**
   * When API Gateway received the message (epoch ms, `requestTimeEpoch`). A connection's messages
   * run concurrently, so this — not the order of handling — says which of two came first.
   */
  readonly requestTime: number;
  /** UTF-8 bytes of the message as received, when known (the handler measures the raw body). */
  readonly messageBytes?: number;
}
