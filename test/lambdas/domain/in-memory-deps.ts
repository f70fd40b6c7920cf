/**
 * In-memory fakes of the domain's own ports (lambdas/domain/ports.ts), with a shared journal of
 * what happened in which order, so specs can assert sequencing (e.g. subscription before history).
 */
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import {
  containerKey,
  type CloudToAgent,
  type CloudToViewer,
  type ContainerInfo,
  type ContainerRef,
  type LogLine,
  type ReportedStatus,
} from '../../../protocol';
import type {
  AgentRecord,
  Agents,
  Clock,
  ConnectionRecord,
  Connections,
  ContainerChanges,
  ContainerEntry,
  Credential,
  Credentials,
  Delivery,
  Deps,
  HostContainers,
  LogBuffer,
  Logger,
  Messenger,
  HeldPart,
  NewBatch,
  NewestBounds,
  Outgoing,
  PartedBatch,
  RangeRead,
  StoreOutcome,
  StoredBatch,
  RequestOrder,
  Subscriptions,
} from '../../../lambdas/domain/ports';
import { checkPackedBatch } from '../../../lambdas/domain/check-packed-batch';
import { compareOrder } from '../../../lambdas/domain/request-order';
import { compressLines, packedBytes } from '../../../protocol/packed-zlib';
import { unpacked } from '../../support/packed-batches';
import { newestOfEpoch } from '../../../lambdas/domain/newest-of-epoch';
import { oldestWithinBytes } from '../../../lambdas/domain/oldest-within-bytes';

export const NOW = Date.parse('2026-11-25T12:00:00.000Z');
/** The epoch of lines the specs store without naming one: minted an hour before NOW. */
export const EPOCH = NOW - 3_600_000;

/** A clock that stands still until something sleeps: then time jumps ahead by the sleep. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = NOW) {}
  now() {
    return this.time;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.time += ms;
  }
}
/** When the scenario helpers' connections opened: long enough ago to be past their handshake. */
export const CONNECTED_AT = new Date(NOW - 60_000).toISOString();

export class FakeConnections implements Connections {
  readonly records = new Map<string, ConnectionRecord>();
  readonly viewers = new Set<string>();
  constructor(private readonly journal: string[]) {}

  async add(connection: ConnectionRecord) {
    this.records.set(connection.connectionId, connection);
    if (connection.role === 'viewer') this.viewers.add(connection.connectionId);
  }
  async get(connectionId: string) {
    return this.records.get(connectionId);
  }
  async viewerIds() {
    return [...this.viewers];
  }
  async remove(connectionId: string) {
    this.journal.push(`connections.remove ${connectionId}`);
    this.records.delete(connectionId);
    this.viewers.delete(connectionId);
  }
}

/** What the reverse item of a (connection, container) pair holds: the latest request's decision. */
interface PairState {
  readonly order: RequestOrder;
  readonly subscribed: boolean;
}

/**
 * The table's two items per subscription, each with the table's conditions. Every call is atomic
 * here, so subscribe's re-check (needed between concurrent invocations) can never fail; planting
 * a subscriber item alone (`plantSubscriberItem`) models what a race used to leave behind.
 */
export class FakeSubscriptions implements Subscriptions {
  /** The subscriber items: containerKey → connection id → order of the subscribe that wrote it. */
  readonly byContainer = new Map<string, Map<string, RequestOrder>>();
  /** The reverse items: connection id → containerKey → subscription or unsubscribe marker. */
  readonly byConnection = new Map<string, Map<string, PairState>>();
  constructor(private readonly journal: string[]) {}

  /** Like the table's conditional puts: a later request, or an unsubscribe tied with this one, wins. */
  async add(connectionId: string, container: ContainerRef, order: RequestOrder = { at: 0, op: 0 }) {
    this.journal.push(`subscriptions.add ${connectionId} ${containerKey(container)}`);
    const pair = this.byConnection.get(connectionId)?.get(containerKey(container));
    if (pair) {
      const versus = compareOrder(pair.order, order);
      if (versus > 0 || (versus === 0 && !pair.subscribed)) return false;
    }
    this.pairsOf(connectionId).set(containerKey(container), { order, subscribed: true });
    const subscribers = this.byContainer.get(containerKey(container)) ?? new Map<string, RequestOrder>();
    const held = subscribers.get(connectionId);
    if (!held || compareOrder(held, order) <= 0) subscribers.set(connectionId, order);
    this.byContainer.set(containerKey(container), subscribers);
    return true;
  }
  async remove(connectionId: string, container: ContainerRef) {
    this.byContainer.get(containerKey(container))?.delete(connectionId);
    this.byConnection.get(connectionId)?.delete(containerKey(container));
  }
  /** Like the table: leaves an unsubscribe marker unless a later request owns the pair. */
  async removeUnlessResubscribed(connectionId: string, container: ContainerRef, order: RequestOrder) {
    const pair = this.byConnection.get(connectionId)?.get(containerKey(container));
    if (pair && compareOrder(pair.order, order) > 0) return false;
    this.pairsOf(connectionId).set(containerKey(container), { order, subscribed: false });
    const subscribers = this.byContainer.get(containerKey(container));
    const held = subscribers?.get(connectionId);
    if (held && compareOrder(held, order) <= 0) subscribers!.delete(connectionId);
    return true;
  }
  async isSubscribed(connectionId: string, container: ContainerRef) {
    return this.byConnection.get(connectionId)?.get(containerKey(container))?.subscribed === true;
  }
  async subscriberIds(container: ContainerRef) {
    return [...(this.byContainer.get(containerKey(container))?.keys() ?? [])];
  }
  async hasSubscribers(container: ContainerRef) {
    return (this.byContainer.get(containerKey(container))?.size ?? 0) > 0;
  }
  /** Markers included, as in the table. */
  async ofConnection(connectionId: string) {
    return [...(this.byConnection.get(connectionId)?.keys() ?? [])].map(refOf);
  }
  async subscriptionCount(connectionId: string, except: ContainerRef) {
    return [...(this.byConnection.get(connectionId)?.entries() ?? [])].filter(([key, pair]) => pair.subscribed && key !== containerKey(except)).length;
  }
  async subscriberCount(container: ContainerRef, exceptConnectionId: string) {
    return [...(this.byContainer.get(containerKey(container))?.keys() ?? [])].filter((id) => id !== exceptConnectionId).length;
  }
  /** The containers a connection gets batches of (it has their subscriber items). */
  of(connectionId: string): string[] {
    return [...this.byContainer.entries()].filter(([, ids]) => ids.has(connectionId)).map(([key]) => key);
  }
  /** A subscriber item with no reverse item: what a clean-up racing a subscribe used to leave. */
  plantSubscriberItem(connectionId: string, container: ContainerRef) {
    const subscribers = this.byContainer.get(containerKey(container)) ?? new Map<string, RequestOrder>();
    subscribers.set(connectionId, { at: 0, op: 0 });
    this.byContainer.set(containerKey(container), subscribers);
  }
  private pairsOf(connectionId: string): Map<string, PairState> {
    const pairs = this.byConnection.get(connectionId) ?? new Map<string, PairState>();
    this.byConnection.set(connectionId, pairs);
    return pairs;
  }
}

function refOf(key: string): ContainerRef {
  const [agentId = '', containerId = ''] = key.split('/');
  return { agentId, containerId };
}

export class FakeAgents implements Agents {
  readonly records = new Map<string, AgentRecord>();

  async get(agentId: string) {
    return this.records.get(agentId);
  }
  async list() {
    return [...this.records.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
  }
  /** Like the table's conditional put: a registration from an older connection loses. */
  async put(agent: AgentRecord) {
    const current = this.records.get(agent.agentId);
    const [at, currentAt] = [agent.connectedAt ?? 0, current?.connectedAt ?? 0];
    const newer = !current || currentAt < at || (currentAt === at && current.connectionId <= agent.connectionId);
    // Like the table's update: the stored status report stays.
    if (newer) this.records.set(agent.agentId, current?.status && !agent.status ? { ...agent, status: current.status } : agent);
    return newer;
  }
  /** Like the table's conditional update: the registered connection's newer report only. */
  async putStatus(agentId: string, connectionId: string, status: ReportedStatus) {
    const record = this.records.get(agentId);
    if (record?.connectionId !== connectionId) return false;
    if (record.status && record.status.since === status.since && record.status.observedAt >= status.observedAt) return false;
    this.records.set(agentId, { ...record, status });
    return true;
  }
  async markOffline(agentId: string, connectionId: string, updatedAt: string) {
    const record = this.records.get(agentId);
    if (record?.connectionId !== connectionId || !record.online) return false;
    this.records.set(agentId, { ...record, online: false, updatedAt });
    return true;
  }
}

/**
 * A host's container items, with the table's condition: a write lands only if no later
 * observation of that container is stored; a removal leaves a tombstone (entry without info).
 */
export class FakeHostContainers implements HostContainers {
  /** agentId → containerId → entry */
  readonly byHost = new Map<string, Map<string, ContainerEntry>>();
  /** Container writes attempted (conditional ones that lost included), as the table would bill them. */
  writes = 0;

  async entries(agentId: string) {
    return [...(this.byHost.get(agentId)?.values() ?? [])];
  }
  async get(agentId: string, containerId: string) {
    return this.byHost.get(agentId)?.get(containerId)?.info;
  }
  async apply(agentId: string, changes: ContainerChanges) {
    const entries = this.byHost.get(agentId) ?? new Map<string, ContainerEntry>();
    this.byHost.set(agentId, entries);
    const written = (containerId: string, info?: ContainerInfo) => {
      this.writes++;
      const stored = entries.get(containerId);
      if (stored && stored.observedAt > changes.observedAt) return false;
      entries.set(containerId, info ? { containerId, observedAt: changes.observedAt, info } : { containerId, observedAt: changes.observedAt });
      return true;
    };
    return {
      observedAt: changes.observedAt,
      upsert: changes.upsert.filter((info) => written(info.id, info)),
      remove: changes.remove.filter((containerId) => written(containerId)),
    };
  }
  /** The ids of the host's containers (tombstones left out). */
  ids(agentId: string): string[] {
    return [...(this.byHost.get(agentId)?.values() ?? [])].filter((entry) => entry.info).map((entry) => entry.containerId);
  }
}

export class FakeCredentials implements Credentials {
  readonly records = new Map<string, Credential>();
  /** credential id → connection ids opened with it */
  readonly connections = new Map<string, Set<string>>();

  async get(credentialId: string) {
    return this.records.get(credentialId);
  }
  async list() {
    return [...this.records.values()];
  }
  async add(credential: Credential) {
    if (this.records.has(credential.credentialId)) throw new Error(`credential ${credential.credentialId} exists`);
    this.records.set(credential.credentialId, credential);
  }
  async revoke(credentialId: string, revokedAt: string) {
    const record = this.records.get(credentialId);
    if (!record) return false;
    this.records.set(credentialId, { ...record, revokedAt: record.revokedAt ?? revokedAt });
    return true;
  }
  async addConnection(credentialId: string, connectionId: string) {
    this.connections.set(credentialId, (this.connections.get(credentialId) ?? new Set()).add(connectionId));
  }
  async connectionIds(credentialId: string) {
    return [...(this.connections.get(credentialId) ?? [])];
  }
}

/** What the fake table holds per stored batch: the port's batch with its digest. */
type FakeStoredBatch = NewBatch;

/**
 * The buffer's items in memory, with the table's conditions: only an identical batch (same digest)
 * may land on a stored one, nothing is ever deleted, expired batches are not served, reads are
 * bounded as the table's Query is (`newest` reads at most `bounds.batches` items of any epoch).
 */
export class FakeLogBuffer implements LogBuffer {
  /** containerKey → stored batches */
  readonly batches = new Map<string, FakeStoredBatch[]>();
  /** containerKey → held parts */
  readonly parts = new Map<string, HeldPart[]>();
  /** Stored batches read, per read, newest last: what a bounded read cost. */
  readonly reads: number[] = [];
  constructor(private readonly journal: string[]) {}

  async put(container: ContainerRef, batch: NewBatch): Promise<StoreOutcome> {
    const stored = this.batches.get(containerKey(container)) ?? [];
    const { epoch, firstSeq, lastSeq } = batch;
    const same = stored.find((b) => b.epoch === epoch && b.firstSeq === firstSeq);
    if (same) return same.digest === batch.digest ? { kind: 'unchanged' } : { kind: 'conflict', firstSeq, lastSeq: same.lastSeq };
    const clash = stored.find((b) => b.epoch === epoch && b.firstSeq <= lastSeq && b.lastSeq >= firstSeq);
    if (clash) return { kind: 'conflict', firstSeq: clash.firstSeq, lastSeq: clash.lastSeq };
    this.batches.set(containerKey(container), [...stored, batch]);
    return { kind: 'stored' };
  }
  async newest(container: ContainerRef, bounds: NewestBounds): Promise<StoredBatch[]> {
    this.journal.push(`buffer.read ${containerKey(container)}`);
    const read = this.newestFirst(container).slice(0, bounds.batches);
    this.reads.push(read.length);
    return newestOfEpoch(read, bounds.lines).map(storedOf);
  }
  async range(container: ContainerRef, epoch: number, afterSeq: number, toSeq: number, maxBytes: number): Promise<RangeRead> {
    this.journal.push(`buffer.read ${containerKey(container)}`);
    const found = this.newestFirst(container)
      .filter((b) => b.epoch === epoch && b.lastSeq > afterSeq && b.firstSeq <= toSeq)
      .reverse();
    const { batches, readToSeq } = oldestWithinBytes(found, maxBytes, (b) => b.data.length);
    this.reads.push(batches.length);
    return { batches: batches.map(storedOf), ...(readToSeq === undefined ? {} : { readToSeq }) };
  }
  async holdPart(container: ContainerRef, part: HeldPart) {
    const held = (this.parts.get(containerKey(container)) ?? []).filter((p) => !samePart(p, part) || p.index !== part.index);
    this.parts.set(containerKey(container), [...held, part]);
  }
  async heldParts(container: ContainerRef, batch: PartedBatch) {
    return (this.parts.get(containerKey(container)) ?? []).filter((p) => samePart(p, batch));
  }
  /** Every buffered line (of `epoch`, when given), in seq order: the stored bytes inflated. */
  lines(container: ContainerRef, epoch?: number): LogLine[] {
    return (this.batches.get(containerKey(container)) ?? [])
      .filter((b) => epoch === undefined || b.epoch === epoch)
      .flatMap((b) => unpacked({ data: Buffer.from(b.data).toString('base64') }))
      .sort((a, b) => a.seq - b.seq);
  }
  /** Stores `lines` as the agent's batch of them would be (compressed once, checked, digested). */
  async store(container: ContainerRef, stored: readonly LogLine[], epoch = EPOCH): Promise<StoreOutcome> {
    const { firstSeq, lastSeq, data } = compressLines(stored);
    const bytes = packedBytes(data);
    return this.put(container, { epoch, firstSeq, lastSeq, lineCount: lastSeq - firstSeq + 1, data: bytes, digest: checkPackedBatch({ firstSeq, lastSeq }, bytes).digest });
  }
  private newestFirst(container: ContainerRef): FakeStoredBatch[] {
    return [...(this.batches.get(containerKey(container)) ?? [])].sort((a, b) => b.epoch - a.epoch || b.firstSeq - a.firstSeq);
  }
}

function storedOf({ digest: _digest, ...batch }: FakeStoredBatch): StoredBatch {
  return batch;
}

function samePart(a: PartedBatch, b: PartedBatch): boolean {
  return a.epoch === b.epoch && a.firstSeq === b.firstSeq && a.lastSeq === b.lastSeq && a.count === b.count;
}

export interface Sent {
  readonly connectionId: string;
  /** As the receiver would decode it. */
  readonly message: CloudToAgent | CloudToViewer;
  /** What the domain handed the messenger (an EncodedMessage for broadcasts). */
  readonly payload: Outgoing;
}

export class FakeMessenger implements Messenger {
  readonly sent: Sent[] = [];
  /** Connections that answer 'gone'. */
  readonly gone = new Set<string>();
  /** Connections whose sends throw. */
  readonly failing = new Set<string>();
  /** Connections whose next N sends throw (a throttled post that a retry gets through). */
  readonly failTimes = new Map<string, number>();
  /** Sends attempted per connection, failed ones included. */
  readonly attempts = new Map<string, number>();
  /** Runs before each send is recorded: lets a spec interleave another request (a race). */
  beforeSend?: (connectionId: string, message: CloudToAgent | CloudToViewer) => Promise<void>;
  constructor(private readonly journal: string[]) {}

  async send(connectionId: string, payload: Outgoing): Promise<Delivery> {
    const message = payload instanceof EncodedMessage ? (JSON.parse(payload.text) as CloudToAgent | CloudToViewer) : payload;
    this.journal.push(`send ${connectionId} ${message.action}`);
    await this.beforeSend?.(connectionId, message);
    this.attempts.set(connectionId, (this.attempts.get(connectionId) ?? 0) + 1);
    if (this.failing.has(connectionId)) throw new Error(`connection ${connectionId} is broken`);
    const failuresLeft = this.failTimes.get(connectionId) ?? 0;
    if (failuresLeft > 0) {
      this.failTimes.set(connectionId, failuresLeft - 1);
      throw Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
    }
    if (this.gone.has(connectionId)) return 'gone';
    this.sent.push({ connectionId, message, payload });
    return 'sent';
  }
  to(connectionId: string): (CloudToAgent | CloudToViewer)[] {
    return this.sent.filter((s) => s.connectionId === connectionId).map((s) => s.message);
  }
}

export class RecordingLogger implements Logger {
  readonly entries: { level: string; message: string; context?: Record<string, unknown> }[] = [];
  warn(message: string, context?: Record<string, unknown>) {
    this.entries.push({ level: 'warn', message, context });
  }
  error(message: string, context?: Record<string, unknown>) {
    this.entries.push({ level: 'error', message, context });
  }
}

export interface World extends Deps {
  readonly connections: FakeConnections;
  readonly subscriptions: FakeSubscriptions;
  readonly agents: FakeAgents;
  readonly hostContainers: FakeHostContainers;
  readonly credentials: FakeCredentials;
  readonly buffer: FakeLogBuffer;
  readonly messenger: FakeMessenger;
  readonly logger: RecordingLogger;
  readonly clock: FakeClock;
  readonly journal: string[];
}

export function createWorld(settings: Partial<Deps['settings']> = {}): World {
  const journal: string[] = [];
  return {
    journal,
    connections: new FakeConnections(journal),
    subscriptions: new FakeSubscriptions(journal),
    agents: new FakeAgents(),
    hostContainers: new FakeHostContainers(),
    credentials: new FakeCredentials(),
    buffer: new FakeLogBuffer(journal),
    messenger: new FakeMessenger(journal),
    clock: new FakeClock(),
    logger: new RecordingLogger(),
    settings: { bufferLines: 1000, ...settings },
  };
}

// ── scenario helpers ─────────────────────────────────────────────────────────────────────────

export function container(id = 'c1', agentId = 'host-1'): ContainerRef {
  return { agentId, containerId: id };
}

export function containerInfo(id: string): ContainerInfo {
  return { id, name: id, image: 'img', state: 'running', status: 'Up', createdAt: 1, tty: false };
}

/** Lines seq first..last, one second apart unless they all share `ts`. */
export function lines(first: number, last: number, text = (seq: number) => `line ${seq}`, ts?: string): LogLine[] {
  return Array.from({ length: last - first + 1 }, (_, i) => {
    const seq = first + i;
    const at = ts ?? new Date(Date.parse('2026-11-25T11:00:00Z') + seq * 1000).toISOString();
    return { seq, ts: at, stream: 'stdout', text: text(seq) } as LogLine;
  });
}

export async function addViewer(world: World, connectionId: string): Promise<void> {
  await world.connections.add({ connectionId, role: 'viewer', connectedAt: CONNECTED_AT });
}

/** An agent connection that has registered, online, owning `containers`. */
export async function addAgent(world: World, agentId = 'host-1', connectionId = 'agent-conn', containers = ['c1']): Promise<void> {
  await world.connections.add({ connectionId, role: 'agent', connectedAt: CONNECTED_AT, agentId });
  await world.agents.put({
    agentId,
    hostName: `${agentId}.local`,
    agentVersion: '0.1.0',
    connectionId,
    connectedAt: Date.parse(CONNECTED_AT),
    online: true,
    updatedAt: new Date(NOW).toISOString(),
  });
  await world.hostContainers.apply(agentId, { observedAt: 0, upsert: containers.map(containerInfo), remove: [] });
}
