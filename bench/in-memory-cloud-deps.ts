/**
 * The Lambda domain's ports (lambdas/domain/ports.ts) in memory, lean enough to benchmark through:
 * unlike the test fakes they keep no journal or sent-message history (which would grow with every
 * batch and be measured too). The messenger encodes each message, as the real PostToConnection
 * adapter does, and keeps only a byte count.
 */
import { containerKey, encode, type ContainerRef } from '../protocol';
import type { AgentRecord, ConnectionRecord, Credential, Deps, HeldPart, LogBuffer, NewBatch, NewestBounds, PartedBatch, RangeRead, StoreOutcome, StoredBatch } from '../lambdas/domain/ports';
import { newestOfEpoch } from '../lambdas/domain/newest-of-epoch';
import { oldestWithinBytes } from '../lambdas/domain/oldest-within-bytes';

export const AGENT_CONNECTION_ID = 'agent-conn';
export const AGENT_ID = 'bench-host';

export interface BenchCloud {
  readonly deps: Deps;
  /** Characters handed to PostToConnection so far. */
  sentChars(): number;
  /** Warnings and errors the domain logged: a benchmark of rejected batches would be meaningless. */
  readonly problems: string[];
}

export function benchCloud(viewerCount: number): BenchCloud {
  const viewerIds = Array.from({ length: viewerCount }, (_, i) => `viewer-${i}`);
  const connections = new Map<string, ConnectionRecord>([
    [AGENT_CONNECTION_ID, { connectionId: AGENT_CONNECTION_ID, role: 'agent', connectedAt: '2026-11-25T12:00:00.000Z', agentId: AGENT_ID }],
    ...viewerIds.map((id): [string, ConnectionRecord] => [id, { connectionId: id, role: 'viewer', connectedAt: '2026-11-25T12:00:00.000Z' }]),
  ]);
  // The bench agent holds its host's registration: batches are taken only from that connection.
  const agents = new Map<string, AgentRecord>([
    [AGENT_ID, { agentId: AGENT_ID, hostName: 'bench-host.local', agentVersion: 'bench', connectionId: AGENT_CONNECTION_ID, connectedAt: 0, online: true, updatedAt: '2026-11-25T12:00:00.000Z' }],
  ]);
  const credentials = new Map<string, Credential>();
  const problems: string[] = [];
  let sentChars = 0;
  const deps: Deps = {
    connections: {
      add: async (record) => void connections.set(record.connectionId, record),
      get: async (id) => connections.get(id),
      viewerIds: async () => viewerIds,
      remove: async (id) => void connections.delete(id),
    },
    subscriptions: {
      add: async () => true,
      remove: async () => {},
      removeUnlessResubscribed: async () => true,
      isSubscribed: async () => true,
      subscriberIds: async () => viewerIds,
      hasSubscribers: async () => viewerIds.length > 0,
      ofConnection: async () => [],
      subscriptionCount: async () => 0,
      subscriberCount: async () => 0,
    },
    agents: {
      get: async (id) => agents.get(id),
      list: async () => [...agents.values()],
      put: async (agent) => (agents.set(agent.agentId, agent), true),
      markOffline: async () => true,
      putStatus: async () => true,
    },
    hostContainers: {
      entries: async () => [],
      get: async (_agentId, containerId) => ({ id: containerId, name: containerId, image: 'bench', state: 'running', status: 'Up', createdAt: 0, tty: false }),
      apply: async (_agentId, changes) => changes,
    },
    buffer: new InMemoryLogBuffer(),
    messenger: {
      send: async (_connectionId, message) => {
        sentChars += encode(message).length;
        return 'sent';
      },
    },
    clock: { now: () => Date.parse('2026-11-25T12:00:00.000Z') },
    logger: { warn: (message, context) => problems.push(`${message} ${JSON.stringify(context)}`), error: (message, context) => problems.push(`${message} ${JSON.stringify(context)}`) },
    credentials: {
      get: async (id) => credentials.get(id),
      list: async () => [...credentials.values()],
      add: async (credential) => void credentials.set(credential.credentialId, credential),
      revoke: async () => false,
      addConnection: async () => {},
      connectionIds: async () => [],
    },
    settings: { bufferLines: 1000 },
  };
  return { deps, sentChars: () => sentChars, problems };
}

/** Stored batches by container, epoch and first seq (the bench feeds one stream's batches, so it stays small). */
class InMemoryLogBuffer implements LogBuffer {
  private readonly batches = new Map<string, Map<string, StoredBatch>>();
  private readonly parts = new Map<string, HeldPart>();

  async put(container: ContainerRef, batch: NewBatch): Promise<StoreOutcome> {
    const key = containerKey(container);
    const batches = this.batches.get(key) ?? new Map<string, StoredBatch>();
    // Conflicts are the adapter's to find; the bench feeds one stream's batches once each.
    batches.set(`${batch.epoch}/${batch.firstSeq}`, batch);
    this.batches.set(key, batches);
    return { kind: 'stored' };
  }

  async newest(container: ContainerRef, bounds: NewestBounds): Promise<StoredBatch[]> {
    return newestOfEpoch(this.sorted(container).slice(0, bounds.batches), bounds.lines);
  }

  async range(container: ContainerRef, epoch: number, afterSeq: number, toSeq: number, maxBytes: number): Promise<RangeRead> {
    const found = this.sorted(container)
      .filter((b) => b.epoch === epoch && b.lastSeq > afterSeq && b.firstSeq <= toSeq)
      .reverse();
    return oldestWithinBytes(found, maxBytes, (b) => b.data.length);
  }

  async holdPart(container: ContainerRef, part: HeldPart): Promise<void> {
    this.parts.set(`${containerKey(container)}/${part.epoch}/${part.firstSeq}/${part.lastSeq}/${part.count}/${part.index}`, part);
  }

  async heldParts(container: ContainerRef, batch: PartedBatch): Promise<HeldPart[]> {
    const prefix = `${containerKey(container)}/${batch.epoch}/${batch.firstSeq}/${batch.lastSeq}/${batch.count}/`;
    return [...this.parts].filter(([key]) => key.startsWith(prefix)).map(([, part]) => part);
  }

  private sorted(container: ContainerRef): StoredBatch[] {
    return [...(this.batches.get(containerKey(container))?.values() ?? [])].sort((a, b) => b.epoch - a.epoch || b.firstSeq - a.firstSeq);
  }
}
