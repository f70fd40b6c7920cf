/**
 * Every key of the one table (docs/data-model.md). Ids cannot contain `#` (protocol SafeId), so
 * the joined keys are unambiguous.
 */
import type { ContainerRef } from '../../protocol';

/** A type alias, not an interface, so that it fits the SDK's Record-typed keys. */
export type Key = {
  readonly pk: string;
  readonly sk: string;
};

export const CONNECTION_PREFIX = 'CONN#';
export const SUBSCRIPTION_PREFIX = 'SUB#';
export const AGENT_PREFIX = 'AGENT#';
export const BATCH_PREFIX = 'B#';
export const CONTAINER_PREFIX = 'C#';
export const CREDENTIAL_PREFIX = 'CRED#';
export const CREDENTIALS_PK = 'CREDENTIALS';
export const VIEWERS_PK = 'VIEWERS';
export const AGENTS_PK = 'AGENTS';
export const META_SK = 'META';

/** Batch sort keys pad the epoch and the first seq so that string order is (epoch, seq) order. */
const SEQ_DIGITS = 16;

/** CONN#<connId> / META: role, connectedAt, agentId? */
export function connectionKey(connectionId: string): Key {
  return { pk: connectionPk(connectionId), sk: META_SK };
}

/** CONN#<connId> — the partition holding a connection's record and its subscriptions. */
export function connectionPk(connectionId: string): string {
  return `${CONNECTION_PREFIX}${connectionId}`;
}

/** CONN#<connId> / SUB#<agentId>#<containerId>: what a viewer watches, for its clean-up. */
export function connectionSubscriptionKey(connectionId: string, container: ContainerRef): Key {
  return { pk: connectionPk(connectionId), sk: `${SUBSCRIPTION_PREFIX}${container.agentId}#${container.containerId}` };
}

/** SUBS#<agentId>#<containerId> — the partition of a container's subscribers. */
export function subscribersPk(container: ContainerRef): string {
  return `SUBS#${container.agentId}#${container.containerId}`;
}

/** SUBS#<agentId>#<containerId> / CONN#<connId>: one subscriber of a container. */
export function subscriberKey(container: ContainerRef, connectionId: string): Key {
  return { pk: subscribersPk(container), sk: `${CONNECTION_PREFIX}${connectionId}` };
}

/**
 * Viewers are spread over this many partitions, VIEWERS#0 … VIEWERS#7, by a hash of the connection
 * id, and a broadcast reads them in parallel: one partition takes at most 1,000 writes a second,
 * and viewers' connects and disconnects together can pass that in a reconnect wave
 * (docs/data-model.md, "Hot keys").
 */
export const VIEWER_SHARDS = 8;

/** VIEWERS#<shard> — one partition of the viewers enrolled for inventory broadcasts. */
export function viewersPk(shard: number): string {
  return `${VIEWERS_PK}#${shard}`;
}

/** VIEWERS#<shard> / CONN#<connId>: a viewer, for inventory broadcasts. */
export function viewerKey(connectionId: string): Key {
  return { pk: viewersPk(viewerShard(connectionId)), sk: `${CONNECTION_PREFIX}${connectionId}` };
}

/** The shard of a viewer connection: FNV-1a of its id, so the same id always lands in the same one. */
export function viewerShard(connectionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) hash = Math.imul(hash ^ connectionId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % VIEWER_SHARDS;
}

/** AGENTS / AGENT#<agentId>: a host. */
export function agentKey(agentId: string): Key {
  return { pk: AGENTS_PK, sk: `${AGENT_PREFIX}${agentId}` };
}

/** HOST#<agentId> — the partition of a host's containers (its own record lives under AGENTS). */
export function hostContainersPk(agentId: string): string {
  return `HOST#${agentId}`;
}

/** HOST#<agentId> / C#<containerId>: one container of a host, or its removal. */
export function hostContainerKey(agentId: string, containerId: string): Key {
  return { pk: hostContainersPk(agentId), sk: `${CONTAINER_PREFIX}${containerId}` };
}

/** CREDENTIALS / CRED#<credentialId>: a credential (role, agent id, secret hash, times). */
export function credentialKey(credentialId: string): Key {
  return { pk: CREDENTIALS_PK, sk: `${CREDENTIAL_PREFIX}${credentialId}` };
}

/** CRED#<credentialId> — the partition of the connections opened with a credential. */
export function credentialPk(credentialId: string): string {
  return `${CREDENTIAL_PREFIX}${credentialId}`;
}

/** CRED#<credentialId> / CONN#<connId>: a connection opened with the credential, for revoking it. */
export function credentialConnectionKey(credentialId: string, connectionId: string): Key {
  return { pk: credentialPk(credentialId), sk: `${CONNECTION_PREFIX}${connectionId}` };
}

/** LOG#<agentId>#<containerId> — the partition of a container's buffer. */
export function logPk(container: ContainerRef): string {
  return `LOG#${container.agentId}#${container.containerId}`;
}

/**
 * LOG#<agentId>#<containerId> / B#<epoch, 16 digits>#<firstSeq, 16 digits>: one stored batch.
 * A newer epoch sorts after an older one, so a newest-first query reads the current numbering first.
 */
export function batchKey(container: ContainerRef, epoch: number, firstSeq: number): Key {
  return { pk: logPk(container), sk: batchSk(epoch, firstSeq) };
}

export function batchSk(epoch: number, firstSeq: number): string {
  return `${BATCH_PREFIX}${String(epoch).padStart(SEQ_DIGITS, '0')}#${String(firstSeq).padStart(SEQ_DIGITS, '0')}`;
}

/**
 * PART#<agentId>#<containerId> — the parts of a container's batches sent in parts, held until the
 * last part comes: a partition of their own, so no read of the buffer ever meets one.
 */
export function partsPk(container: ContainerRef): string {
  return `PART#${container.agentId}#${container.containerId}`;
}

/** The sort key prefix shared by every part of one batch: P#<epoch>#<firstSeq>#<lastSeq>#<count>#. */
export function partedBatchSkPrefix(batch: { epoch: number; firstSeq: number; lastSeq: number; count: number }): string {
  const pad = (n: number) => String(n).padStart(SEQ_DIGITS, '0');
  return `P#${pad(batch.epoch)}#${pad(batch.firstSeq)}#${pad(batch.lastSeq)}#${batch.count}#`;
}

/** PART#<agentId>#<containerId> / P#<epoch>#<firstSeq>#<lastSeq>#<count>#<index>: one held part. */
export function partKey(container: ContainerRef, part: { epoch: number; firstSeq: number; lastSeq: number; count: number; index: number }): Key {
  return { pk: partsPk(container), sk: `${partedBatchSkPrefix(part)}${part.index}` };
}

/** The connection id in a `CONN#<connId>` sort key. */
export function connectionIdOf(sk: string): string {
  return sk.slice(CONNECTION_PREFIX.length);
}

/** The container in a `SUB#<agentId>#<containerId>` sort key. */
export function containerOfSubscription(sk: string): ContainerRef {
  const [agentId = '', containerId = ''] = sk.slice(SUBSCRIPTION_PREFIX.length).split('#');
  return { agentId, containerId };
}
