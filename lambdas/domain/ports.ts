/**
 * What the domain needs from the outside world, as narrow interfaces. Adapters implement them
 * over DynamoDB and the API Gateway management API; unit tests implement them in memory.
 * Nothing here knows about the SDK, keys or TTLs.
 */
import type { CloudToAgent, CloudToViewer, ContainerInfo, ContainerRef, ReportedStatus, Role } from '../../protocol';
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

/**
 * Where a viewer's subscribe or unsubscribe falls among that connection's others: API Gateway's
 * receive time first, then the viewer's own op counter (0 when it sent none) within one
 * millisecond. See lambdas/domain/request-order.ts for the tie rule.
 */
export interface RequestOrder {
  /** `requestTimeEpoch`, epoch ms. */
  readonly at: number;
  /** The message's `op`, or 0. */
  readonly op: number;
}

export interface Subscriptions {
  /**
   * `log.subscribe`: records the subscription unless a later subscribe or unsubscribe of the same
   * viewer and container — or an unsubscribe of the very same order (it wins the tie) — was
   * handled first. False when superseded: then nothing of this subscribe is left.
   */
  add(connectionId: string, container: ContainerRef, order: RequestOrder): Promise<boolean>;
  /** Unconditional: the clean-up of a connection that is gone. */
  remove(connectionId: string, container: ContainerRef): Promise<void>;
  /**
   * `log.unsubscribe`: records that the viewer left (a marker that outlives the subscription, so an
   * older subscribe handled late cannot bring it back) and deletes the subscription made at or
   * before `order`. False (nothing changed) when a later subscribe of the same viewer owns it.
   */
  removeUnlessResubscribed(connectionId: string, container: ContainerRef, order: RequestOrder): Promise<boolean>;
  /** Whether the connection is subscribed to the container now (a consistent read). */
  isSubscribed(connectionId: string, container: ContainerRef): Promise<boolean>;
  /** The connections subscribed to a container. */
  subscriberIds(container: ContainerRef): Promise<string[]>;
  /** Cheaper than subscriberIds when only "anyone?" matters. */
  hasSubscribers(container: ContainerRef): Promise<boolean>;
  /** What a connection is or was subscribed to (for its clean-up, which deletes both). */
  ofConnection(connectionId: string): Promise<ContainerRef[]>;
  /** How many containers the connection is subscribed to, `except` not counted. */
  subscriptionCount(connectionId: string, except: ContainerRef): Promise<number>;
  /** How many connections are subscribed to the container, `exceptConnectionId` not counted. */
  subscriberCount(container: ContainerRef, exceptConnectionId: string): Promise<number>;
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
  /** ISO time of the last registration or of going offline. */
  readonly updatedAt: string;
  /** The agent's latest status report (agent.status); a registration keeps it. */
  readonly status?: ReportedStatus;
}

export interface Agents {
  get(agentId: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  /**
   * Records a registration unless the host is already registered from a newer connection (later
   * `connectedAt`; on a tie, the greater connection id wins). The same connection may register
   * again. True if it was recorded, false if a newer connection owns the host. The stored status
   * (`agent.status`) is kept: it is replaced only by the agent's next report.
   */
  put(agent: AgentRecord): Promise<boolean>;
  /**
   * Stores a status report, only while `connectionId` holds the registration and only if the
   * report is newer than the stored one (a later `observedAt`, or another agent process: `since`).
   * True if it was stored.
   */
  putStatus(agentId: string, connectionId: string, status: ReportedStatus): Promise<boolean>;
  /**
   * Marks the agent offline, only if it is online on `connectionId` (its newer connection keeps
   * it online). True if this call changed it.
   */
  markOffline(agentId: string, connectionId: string, updatedAt: string): Promise<boolean>;
}

/** What the cloud holds about one container of a host, and when the agent observed it. */
export interface ContainerEntry {
  readonly containerId: string;
  /** Epoch ms of the agent's clock (protocol ObservedAt). */
  readonly observedAt: number;
  /** Absent: the container was removed (a tombstone, kept a while so a late upsert cannot bring it back). */
  readonly info?: ContainerInfo;
}

/** Containers of one host that changed, all observed at `observedAt`. */
export interface ContainerChanges {
  readonly observedAt: number;
  readonly upsert: readonly ContainerInfo[];
  readonly remove: readonly string[];
}

/** Each host's containers, one entry per container, apart from the host's own record. */
export interface HostContainers {
  /**
   * Every unexpired entry of the host, removals included. Consistent unless `consistent: false`
   * (an inventory answer may lag a change by a moment: the change reaches viewers anyway).
   */
  entries(agentId: string, options?: { readonly consistent?: boolean }): Promise<ContainerEntry[]>;
  /** The container's info while it is in the host's inventory (undefined when unknown or removed). */
  get(agentId: string, containerId: string): Promise<ContainerInfo | undefined>;
  /**
   * Writes each change only if it was observed at or after what is stored for that container (an
   * older observation handled late loses); the changes that were written come back.
   */
  apply(agentId: string, changes: ContainerChanges): Promise<ContainerChanges>;
}

/**
 * One stored batch: the packed body's compressed bytes as the agent sent them (never re-encoded),
 * the seqs they number and the epoch those seqs belong to.
 */
export interface StoredBatch {
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Lines the batch holds (lastSeq − firstSeq + 1): a read counts lines without inflating. */
  readonly lineCount: number;
  /** The packed lines, deflate-raw (protocol/packed-lines.ts). */
  readonly data: Uint8Array;
}

/** A batch to store: checked already, with the SHA-256 of its inflated body (the identical-batch rule). */
export interface NewBatch extends StoredBatch {
  readonly digest: string;
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

/** Which batch a part belongs to: every part of one batch names the same. */
export interface PartedBatch {
  readonly epoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** How many parts the batch has. */
  readonly count: number;
}

/** One part of a batch sent in parts, held until its last part comes: the next piece of the compressed bytes. */
export interface HeldPart extends PartedBatch {
  readonly index: number;
  readonly data: Uint8Array;
}

/** How much a newest-first read may take: it stops at whichever bound it reaches first. */
export interface NewestBounds {
  /** Batches are taken until their lines reach this many. */
  readonly lines: number;
  /** At most this many stored batches are read (of any epoch). */
  readonly batches: number;
}

/** What a range read found; `readToSeq` when its byte bound stopped it before toSeq: the last seq it covers. */
export interface RangeRead {
  readonly batches: StoredBatch[];
  readonly readToSeq?: number;
}

export interface LogBuffer {
  /** Stores one batch, unless it conflicts with a stored one (see StoreOutcome). Nothing is ever deleted: batches expire. */
  put(container: ContainerRef, batch: NewBatch): Promise<StoreOutcome>;
  /**
   * One bounded read: the newest unexpired batches of the newest epoch, newest first, until their
   * lines reach `bounds.lines`, reading at most `bounds.batches` stored batches.
   */
  newest(container: ContainerRef, bounds: NewestBounds): Promise<StoredBatch[]>;
  /**
   * The unexpired stored batches of `epoch` holding seqs afterSeq < seq ≤ toSeq, oldest first —
   * only until the next would pass `maxBytes` of compressed bytes (the first is always taken).
   */
  range(container: ContainerRef, epoch: number, afterSeq: number, toSeq: number, maxBytes: number): Promise<RangeRead>;
  /** Holds one part (not the last) of a batch sent in parts; the same part again replaces it. */
  holdPart(container: ContainerRef, part: HeldPart): Promise<void>;
  /** The held, unexpired parts of the batch, any order (a consistent read: each was acked after it was held). */
  heldParts(container: ContainerRef, batch: PartedBatch): Promise<HeldPart[]>;
}

export type Delivery = 'sent' | 'gone';

/** A connection a send found gone; `agentId` when it was an agent's, to mark that agent offline. */
export interface GoneConnection {
  readonly connectionId: string;
  readonly agentId?: string;
  /**
   * The container it was posted for as a subscriber: its subscriber item is removed even if the
   * connection's own items no longer lead to it.
   */
  readonly container?: ContainerRef;
  /**
   * The only evidence is a 410 to a broadcast to every viewer — which API Gateway also answers
   * while a connection's handshake is still completing after `$connect` enrolled it.
   */
  readonly mayBeOpening?: true;
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
  readonly hostContainers: HostContainers;
  readonly credentials: Credentials;
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
