/**
 * Every message on the wire: its schema (runtime validation) and its type, from one definition.
 *
 * All messages are JSON text frames with an `action` field, which is what API Gateway's route
 * selection (`$request.body.action`) reads. Messages are grouped by direction:
 *   agent → cloud, viewer (dashboard) → cloud, cloud → agent, cloud → viewer.
 * docs/protocol.md describes each one with an example.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { MAX_BATCH_BYTES, MAX_BATCH_LINES, MAX_BATCH_PARTS, MAX_FETCH_LINES, MAX_ID_LENGTH } from './limits';
import { TIMESTAMP_PATTERN } from './timestamp';

// zod/mini (tree-shakes to a fraction of zod's size: Lambda cold starts) ships no messages by
// default; refusals must say what is wrong in words.
z.config(en());

// ── building blocks ─────────────────────────────────────────────────────────────────────────

/** Ids end up inside DynamoDB keys joined by `#`, so they are restricted to a safe alphabet. */
export const SafeId = z
  .string()
  .check(z.maxLength(MAX_ID_LENGTH), z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'));

export const Timestamp = z.string().check(z.regex(TIMESTAMP_PATTERN, 'must be an RFC 3339 timestamp'));

/** A per-container sequence number: 1 for the first line ever buffered, +1 for each line after. */
export const Seq = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));

/**
 * A container's numbering: seqs are unique only within one epoch. The cloud mints a new epoch
 * (the epoch ms at which it did so, so a later epoch is always a greater number) whenever it
 * starts a stream with nothing buffered to resume from — exactly when the agent numbers from 1
 * again. Lines of another epoch are never duplicates of the ones held, whatever their seqs.
 */
export const Epoch = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));

export const LogStream = z.enum(['stdout', 'stderr']);
export type LogStream = z.infer<typeof LogStream>;

/**
 * Why an agent skipped lines:
 *   catch_up  the container went unwatched; only the newest lines were sent on subscribe
 *   rotated   Docker's log rotation removed lines before the agent could read them
 *   refused   the cloud refused a batch for good (its lines are replaced by this marker)
 */
export const SkipReason = z.enum(['catch_up', 'rotated', 'refused']);
export type SkipReason = z.infer<typeof SkipReason>;

export const SkippedLines = z.object({
  reason: SkipReason,
  /** How many lines were skipped; absent when Docker no longer holds them to count (rotated). */
  lines: z.optional(z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER))),
  /** Set when `lines` is a lower bound (counting stopped at its time budget). */
  atLeast: z.optional(z.literal(true)),
  /** Docker timestamps of the first and last skipped line (or the bounds of the lost span). */
  from: Timestamp,
  to: Timestamp,
});
export type SkippedLines = z.infer<typeof SkippedLines>;

export const LogLine = z.object({
  seq: Seq,
  /** Docker's own timestamp for the line, nanoseconds kept (see protocol/timestamp.ts). */
  ts: Timestamp,
  /** TTY containers have one merged stream, reported as stdout. */
  stream: LogStream,
  text: z.string(),
  /** Set when the text was cut at the agent's line cap (at most MAX_LINE_BYTES). */
  truncated: z.optional(z.literal(true)),
  /** On a cut line: the UTF-8 size of the whole line, as the container wrote it. */
  originalBytes: z.optional(z.int().check(z.positive())),
  /**
   * Present only on a skip marker: a line the agent writes in place of lines it could not deliver,
   * so that a skip is never silent. Its `text` says the same in words (for plain-text consumers
   * and filters); the dashboard renders the marker from this field (docs/reliability.md).
   */
  skipped: z.optional(SkippedLines),
});
export type LogLine = z.infer<typeof LogLine>;

/**
 * A batch's lines, packed (protocol/packed-lines.ts), compressed with deflate-raw and base64-encoded:
 * or, when that does not fit one message, one part of it (the parts' texts joined give it whole).
 */
export const PackedData = z.base64().check(z.minLength(4), z.maxLength(MAX_BATCH_BYTES));

/** Which part of a batch a message carries, when the batch travels in several. */
export const BatchPart = z
  .object({
    index: z.int().check(z.nonnegative()),
    count: z.int().check(z.minimum(2), z.maximum(MAX_BATCH_PARTS)),
  })
  .check(z.refine((p) => p.index < p.count, { message: 'index must be below count', path: ['index'] }));
export type BatchPart = z.infer<typeof BatchPart>;

/** The seqs a batch numbers: firstSeq … lastSeq, every one of them, at most MAX_BATCH_LINES. */
const seqSpan = z.refine<{ firstSeq: number; lastSeq: number }>((b) => b.lastSeq >= b.firstSeq && b.lastSeq - b.firstSeq < MAX_BATCH_LINES, {
  message: `lastSeq must be at or above firstSeq, by less than ${MAX_BATCH_LINES}`,
  path: ['lastSeq'],
});

/** What every message carrying a batch's lines has: their seqs and the packed data (or one part of it). */
const packedBatchFields = {
  firstSeq: Seq,
  lastSeq: Seq,
  data: PackedData,
  part: z.optional(BatchPart),
};

/** One stored batch (or one part of it) as the cloud serves it from the buffer: log.history, log.fetched. */
export const PackedBatch = z.object(packedBatchFields).check(seqSpan);
export type PackedBatch = z.infer<typeof PackedBatch>;

export const ContainerInfo = z.object({
  id: SafeId,
  name: z.string().check(z.maxLength(256)),
  image: z.string().check(z.maxLength(512)),
  /** Docker's state word: running, exited, paused, restarting, created, dead. */
  state: z.string().check(z.maxLength(32)),
  /** Docker's human status, e.g. "Up 3 minutes". */
  status: z.string().check(z.maxLength(256)),
  /** Unix seconds. */
  createdAt: z.int().check(z.nonnegative()),
  tty: z.boolean(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

/**
 * When an agent saw its containers in the state it reports: epoch ms of the agent's clock (at the
 * Docker listing the report comes from). The cloud stores each container with it and takes a
 * report of a container only if it is at least as new as what it holds, so a report handled late
 * never overwrites a newer one (docs/data-model.md, "Containers").
 */
export const ObservedAt = z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

/** The lines an agent replaced by skip markers for one reason, since it started (agent.status). */
export const SkipCount = z.object({
  /** Markers sent. */
  markers: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** The lines those markers counted. */
  lines: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** Some marker gave only a lower bound, or no count at all (Docker no longer held the lines): more were skipped. */
  atLeast: z.optional(z.literal(true)),
});
export type SkipCount = z.infer<typeof SkipCount>;

/**
 * How an agent is doing, as it reports it (agent.status) and the cloud keeps it on the host: how far
 * behind its delivery is, and what it had to skip. Counts start at `since`, when the agent process started.
 */
export const ReportedStatus = z.object({
  /** When the agent made the report (epoch ms, its clock; strictly increasing per agent process). */
  observedAt: ObservedAt,
  /** When this agent process started counting (epoch ms): a restart starts the counts over. */
  since: ObservedAt,
  /**
   * Age of the oldest line the agent holds and the cloud has not acked, in ms (0: nothing waits):
   * now minus that line's Docker timestamp, or minus when its stream was started if that is later.
   */
  lagMs: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** Lines handed to delivery and not acked yet. */
  pendingLines: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** Per reason, the lines replaced by the skip markers sent since `since`; a reason with none is absent. */
  skipped: z.object({ catch_up: z.optional(SkipCount), rotated: z.optional(SkipCount), refused: z.optional(SkipCount) }),
});
export type ReportedStatus = z.infer<typeof ReportedStatus>;

export const HostInfo = z.object({
  agentId: SafeId,
  hostName: z.string().check(z.maxLength(256)),
  online: z.boolean(),
  /** ISO time of the last registration or of going offline. */
  updatedAt: z.string(),
  containers: z.array(ContainerInfo),
  /**
   * In `inventory`: the newest `observedAt` the cloud held for this host's containers (removals
   * included) when it read them. A `host.containers` change observed later is newer than this list.
   */
  observedAt: z.optional(ObservedAt),
  /**
   * The agent's latest status report (agent.status), when it sent one. In `host`, absent means no
   * news about it: keep what is held (registration and going offline do not change it).
   */
  status: z.optional(ReportedStatus),
});
export type HostInfo = z.infer<typeof HostInfo>;

/** A host without its containers: what `host` carries (they travel as `host.containers` changes). */
export const HostStatus = z.omit(HostInfo, { containers: true, observedAt: true });
export type HostStatus = z.infer<typeof HostStatus>;

/** Where the cloud's buffer for a container ends, so a (re)starting stream continues from there. */
export const ResumePoint = z.object({
  /** The last buffered sequence number; the agent numbers the next line seq + 1. */
  seq: Seq,
  /** The timestamp of that line. Docker's `since` is inclusive, so lines at ts come back again. */
  ts: Timestamp,
  /** Texts of the buffered lines stamped exactly `ts`, which the agent drops when they reappear. */
  textsAtTs: z.array(z.string()),
});
export type ResumePoint = z.infer<typeof ResumePoint>;

// ── agent → cloud ───────────────────────────────────────────────────────────────────────────

/**
 * No agent id: the cloud takes it from the credential the connection presented at $connect and
 * answers it in `agent.registered`. An `agentId` field (older agents send one) is stripped, never used.
 */
export const AgentRegister = z.object({
  action: z.literal('agent.register'),
  hostName: z.string().check(z.minLength(1), z.maxLength(256)),
  agentVersion: z.string().check(z.maxLength(64)),
  /** The whole (fitted) list: the cloud writes what differs from what it holds and removes the rest. */
  containers: z.array(ContainerInfo).check(z.maxLength(1000)),
  /** When the list was observed; absent (older agents), the cloud's receive time stands in. */
  observedAt: z.optional(ObservedAt),
});

/**
 * The containers that changed since the agent's previous report on this connection (its
 * `agent.register` or `agent.inventory`): new or changed ones whole, removed ones by id.
 */
export const AgentInventory = z.object({
  action: z.literal('agent.inventory'),
  observedAt: ObservedAt,
  upsert: z.array(ContainerInfo).check(z.maxLength(1000)),
  remove: z.array(SafeId).check(z.maxLength(1000)),
});

/**
 * A batch of new lines of one container, packed and compressed once (`data`), or one part of it.
 * The cloud knows the agent from the connection.
 */
export const AgentLogBatch = z
  .object({
    action: z.literal('log.batch'),
    containerId: SafeId,
    /** The epoch of the log.stream.start this stream was started by. */
    epoch: Epoch,
    ...packedBatchFields,
  })
  .check(seqSpan);

/** The agent's periodic report of its lag and skips, kept on the host record for viewers (docs/reliability.md). */
export const AgentStatus = z.extend(ReportedStatus, {
  action: z.literal('agent.status'),
});

// ── viewer → cloud ──────────────────────────────────────────────────────────────────────────

/**
 * A viewer's own count of its subscribes and unsubscribes on one connection, +1 for each. API
 * Gateway stamps messages only to the millisecond, so two in the same millisecond would tie; the
 * cloud orders them by this count then (docs/data-model.md, "Subscription order").
 */
export const OpCounter = z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

export const LogSubscribe = z.object({
  action: z.literal('log.subscribe'),
  agentId: SafeId,
  containerId: SafeId,
  /**
   * Only lines after this sequence number are wanted (a reconnecting viewer's last seen line).
   * When it is ahead of the buffer's newest line, the numbering started over: the whole buffer is
   * sent instead, as a history marked `reset`.
   */
  afterSeq: z.optional(z.int().check(z.nonnegative())),
  op: z.optional(OpCounter),
  /**
   * The epoch `afterSeq` belongs to. When the buffer's numbering is of another epoch, the seqs
   * cannot be compared: the whole buffer is sent, as a history marked `reset`.
   */
  epoch: z.optional(Epoch),
});

/**
 * The lines with afterSeq < seq <= toSeq of one epoch, from the buffer: a viewer closing a gap
 * (lines a live broadcast could not deliver). At most MAX_FETCH_LINES seqs per request.
 */
export const LogFetch = z
  .object({
    action: z.literal('log.fetch'),
    agentId: SafeId,
    containerId: SafeId,
    epoch: Epoch,
    afterSeq: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
    toSeq: Seq,
  })
  .check(
    z.refine((m) => m.toSeq > m.afterSeq && m.toSeq - m.afterSeq <= MAX_FETCH_LINES, {
      message: `toSeq must be above afterSeq, by at most ${MAX_FETCH_LINES}`,
      path: ['toSeq'],
    }),
  );

export const LogUnsubscribe = z.object({
  action: z.literal('log.unsubscribe'),
  agentId: SafeId,
  containerId: SafeId,
  op: z.optional(OpCounter),
});

export const InventoryGet = z.object({
  action: z.literal('inventory.get'),
});

// ── either client → cloud ───────────────────────────────────────────────────────────────────

/** Keeps the connection inside API Gateway's 10-minute idle timeout. */
export const Ping = z.object({ action: z.literal('ping') });

// ── cloud → agent ───────────────────────────────────────────────────────────────────────────

/**
 * The registration is stored. API Gateway runs a connection's messages concurrently, so a batch
 * sent right behind agent.register could be handled first and refused (not_registered): the agent
 * sends batches and inventories only after this reply.
 */
export const AgentRegistered = z.object({
  action: z.literal('agent.registered'),
  agentId: SafeId,
  /**
   * The registered containers viewers watch, when the registration was handled: the agent stops
   * following every other one (a log.stream.stop sent while it was away is lost), except those a
   * log.stream.start asked for after it sent this registration. Absent (an older cloud): stop nothing.
   */
  watched: z.optional(z.array(SafeId).check(z.maxLength(1000))),
});

export const LogStreamStart = z.object({
  action: z.literal('log.stream.start'),
  containerId: SafeId,
  /** How many past lines to read when there is nothing to resume from. */
  tail: z.int().check(z.nonnegative()),
  resume: z.optional(ResumePoint),
  /**
   * Set when the start is for a viewer's subscribe to a container nobody watched: with `resume`,
   * the agent may send only the newest `tail` lines since it, behind a counted catch_up skip
   * marker. Absent (the registration's restart of containers viewers kept watching while the agent
   * was away, or an older cloud): every line since `resume` is sent.
   */
  catchUp: z.optional(z.boolean()),
  /**
   * The stream's numbering, echoed on each of its log.batch messages: the newest stored batch's
   * epoch with `resume`, a newly minted one without (the agent then numbers from 1 again).
   */
  epoch: Epoch,
});

export const LogStreamStop = z.object({
  action: z.literal('log.stream.stop'),
  containerId: SafeId,
});

/**
 * The batch of `containerId` ending at `seq` is stored and broadcast. API Gateway runs a
 * connection's messages through concurrent Lambda invocations, so an agent keeps one batch per
 * container in flight and sends the next only after this ack: that is what keeps lines in order.
 */
export const LogAck = z.object({
  action: z.literal('log.ack'),
  containerId: SafeId,
  seq: Seq,
  /**
   * Only for a batch sent in parts: this part (its index) of the batch ending at `seq` is held, send
   * the next. The ack without `part` is the whole batch's.
   */
  part: z.optional(z.int().check(z.nonnegative())),
});

/**
 * The `agent.inventory` observed at `observedAt` is handled: its changes are stored (those not
 * older than what the cloud held) and relayed to viewers. An agent that gets no ack sends that
 * inventory again, and then registers again: changes are never resent by themselves, so a lost
 * one would otherwise leave viewers with a stale container until the next registration.
 */
export const InventoryAck = z.object({
  action: z.literal('inventory.ack'),
  observedAt: ObservedAt,
});

// ── cloud → viewer ──────────────────────────────────────────────────────────────────────────

/**
 * The answer to inventory.get: every host the cloud knows, in as many messages as it takes to stay
 * under MAX_MESSAGE_BYTES (one host per message at most); the last has done: true.
 * Hosts are never removed, only marked offline, so a client simply upserts each host by agentId.
 */
export const Inventory = z.object({
  action: z.literal('inventory'),
  hosts: z.array(HostInfo),
  done: z.boolean(),
});

/**
 * One host registered or went offline: upsert its status by agentId, keeping the containers held
 * for it (they change through `host.containers`).
 */
export const HostUpdate = z.object({
  action: z.literal('host'),
  host: HostStatus,
});

/**
 * Containers of one host changed, as the cloud stored them: upsert these by id, drop the removed
 * ids — unless what the viewer holds for a container was observed later than `observedAt`.
 */
export const HostContainerChanges = z.object({
  action: z.literal('host.containers'),
  agentId: SafeId,
  observedAt: ObservedAt,
  upsert: z.array(ContainerInfo),
  remove: z.array(SafeId),
});

/**
 * The buffered lines of a container, sent after log.subscribe. Large histories arrive in
 * several messages (each under MAX_MESSAGE_BYTES), oldest first; the last has done: true.
 */
export const LogHistory = z.object({
  action: z.literal('log.history'),
  agentId: SafeId,
  containerId: SafeId,
  /** Whole stored batches (or parts of one), oldest first; together at least the newest N lines. */
  batches: z.array(PackedBatch),
  done: z.boolean(),
  /**
   * Only ever on the first message of a history: the container's numbering started over (its
   * buffer expired, so the agent numbers from seq 1 again) behind the subscriber's `afterSeq`.
   * The viewer drops what it holds for this container and takes this history, and the live lines
   * after it, as the container's lines.
   */
  reset: z.optional(z.literal(true)),
  /** The epoch of these lines; absent only when nothing is buffered (the next live batch tells). */
  epoch: z.optional(Epoch),
});

/** Live lines, broadcast to every viewer subscribed to the container: the agent's batch (or part) as it came. */
export const ViewerLogBatch = z
  .object({
    action: z.literal('log.batch'),
    agentId: SafeId,
    containerId: SafeId,
    /** A newer epoch than the viewer holds: the numbering restarted (drop what is held, mark it). */
    epoch: Epoch,
    ...packedBatchFields,
  })
  .check(seqSpan);

/**
 * The answer to log.fetch: the buffered lines of the range, oldest first, in as many messages as
 * it takes to stay under MAX_MESSAGE_BYTES; the last has done: true. A seq of the range that none
 * of them carries is no longer in the buffer (trimmed, expired, or of another epoch) — up to
 * `readToSeq` when the answer has one.
 */
export const LogFetched = z
  .object({
    action: z.literal('log.fetched'),
    agentId: SafeId,
    containerId: SafeId,
    epoch: Epoch,
    afterSeq: z.int().check(z.nonnegative()),
    toSeq: Seq,
    /**
     * Present (on every message of the answer) when the cloud's read stopped at its byte bound: the
     * answer covers afterSeq < seq ≤ readToSeq only; the seqs after it were not read (ask again).
     */
    readToSeq: z.optional(Seq),
    /** The stored batches (or parts) holding seqs of the range, oldest first; they may hold seqs beyond it. */
    batches: z.array(PackedBatch),
    done: z.boolean(),
  })
  .check(
    z.refine((m) => m.readToSeq === undefined || (m.readToSeq > m.afterSeq && m.readToSeq < m.toSeq), {
      message: 'readToSeq must be above afterSeq and below toSeq',
      path: ['readToSeq'],
    }),
  );

// ── cloud → any client ──────────────────────────────────────────────────────────────────────

export const Pong = z.object({ action: z.literal('pong') });

export const ErrorCode = z.enum([
  /** Not JSON, or JSON that does not match the action's schema. */
  'malformed',
  /** No route for this action. */
  'unknown_action',
  /** Above MAX_MESSAGE_BYTES (or a batch above MAX_BATCH_BYTES). */
  'too_large',
  /** The connection's role may not send this action. */
  'forbidden',
  /** An agent sent data before agent.register. */
  'not_registered',
  /** A subscription names an agent the cloud does not know, or a container not in its inventory. */
  'unknown_target',
  /** Our fault; safe to retry. */
  'internal',
  /** A per-connection or per-container cap (protocol/limits.ts) would be passed; nothing was written. */
  'limit_exceeded',
  /** A log.batch clashes with a different stored batch (same or overlapping seqs of its epoch). */
  'conflict',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorMessage = z.object({
  action: z.literal('error'),
  code: ErrorCode,
  /** Human-readable, for logs and the dashboard. */
  message: z.string(),
  /** The action of the rejected message, when it could be read. */
  requestAction: z.optional(z.string()),
  /** On the refusal of a log.subscribe: the agent of the container (see containerId). */
  agentId: z.optional(SafeId),
  /**
   * On the refusal of a log.batch: which batch it was, so the agent can tell which to resend or
   * drop. On the refusal of a log.subscribe: the container, so the viewer re-subscribes just it.
   */
  containerId: z.optional(SafeId),
  firstSeq: z.optional(z.number()),
  lastSeq: z.optional(z.number()),
  /** On the refusal of a log.batch or log.subscribe: whether sending the same message again can succeed. */
  retry: z.optional(z.boolean()),
});

// ── unions per direction ────────────────────────────────────────────────────────────────────

export const AgentToCloud = z.discriminatedUnion('action', [AgentRegister, AgentInventory, AgentLogBatch, Ping, AgentStatus]);
export const ViewerToCloud = z.discriminatedUnion('action', [LogSubscribe, LogUnsubscribe, InventoryGet, Ping, LogFetch]);
export const CloudToAgent = z.discriminatedUnion('action', [AgentRegistered, LogStreamStart, LogStreamStop, LogAck, Pong, ErrorMessage, InventoryAck]);
export const CloudToViewer = z.discriminatedUnion('action', [Inventory, HostUpdate, LogHistory, ViewerLogBatch, Pong, ErrorMessage, LogFetched, HostContainerChanges]);

export type AgentRegister = z.infer<typeof AgentRegister>;
export type AgentInventory = z.infer<typeof AgentInventory>;
export type AgentLogBatch = z.infer<typeof AgentLogBatch>;
export type AgentStatus = z.infer<typeof AgentStatus>;
export type LogSubscribe = z.infer<typeof LogSubscribe>;
export type LogUnsubscribe = z.infer<typeof LogUnsubscribe>;
export type LogFetch = z.infer<typeof LogFetch>;
export type InventoryGet = z.infer<typeof InventoryGet>;
export type Ping = z.infer<typeof Ping>;
export type AgentRegistered = z.infer<typeof AgentRegistered>;
export type LogStreamStart = z.infer<typeof LogStreamStart>;
export type LogStreamStop = z.infer<typeof LogStreamStop>;
export type LogAck = z.infer<typeof LogAck>;
export type InventoryAck = z.infer<typeof InventoryAck>;
export type Inventory = z.infer<typeof Inventory>;
export type HostUpdate = z.infer<typeof HostUpdate>;
export type HostContainerChanges = z.infer<typeof HostContainerChanges>;
export type LogHistory = z.infer<typeof LogHistory>;
export type ViewerLogBatch = z.infer<typeof ViewerLogBatch>;
export type LogFetched = z.infer<typeof LogFetched>;
export type Pong = z.infer<typeof Pong>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;

export type AgentToCloud = z.infer<typeof AgentToCloud>;
export type ViewerToCloud = z.infer<typeof ViewerToCloud>;
export type CloudToAgent = z.infer<typeof CloudToAgent>;
export type CloudToViewer = z.infer<typeof CloudToViewer>;
