/**
 * What the local stack would be billed for on AWS, counted at its boundaries — so the count holds
 * whatever the handlers, the agent or the wire format do inside:
 *   - API Gateway: every WebSocket data message in either direction, metered (as AWS does) in
 *     32 KB units, per connection role; and connection time, per connection.
 *   - Lambda: every invocation and its duration, per route (the authorizer as "$authorizer").
 *   - DynamoDB: the capacity units each call consumed, as DynamoDB reports it with
 *     ReturnConsumedCapacity (dynamodb-capacity-proxy.ts adds that to every call of the handlers).
 *   - S3: every request to the local object store, per operation (S3 bills per request, whatever
 *     its size; the lifecycle's deletions are free and not counted).
 * Opt-in: the local cloud meters only when it is given a LocalMeter (`startLocalCloud({ meter })`).
 * Prices are elsewhere (bench/aws-prices.ts): this counts, it does not price.
 */

/** AWS meters WebSocket messages in 32 KB increments (a 33 KB message is billed as two). */
export const APIGW_MESSAGE_UNIT_BYTES = 32 * 1024;

export type Direction = 'in' | 'out';
/** A connection's role from its authorizer context; 'unknown' before or without one. */
export type MeteredRole = 'agent' | 'viewer' | 'unknown';

export interface GatewayMeter {
  /** One data message of `bytes` passed the gateway (in: from the client; out: to it). */
  message(direction: Direction, role: MeteredRole, bytes: number): void;
  connectionOpened(connectionId: string, role: MeteredRole, at: number): void;
  connectionClosed(connectionId: string, at: number): void;
}

export interface InvocationMeter {
  /** One Lambda invocation of `route` ran for `durationMs` (from its start, after any delay, to its end). */
  invoked(route: string, durationMs: number): void;
}

export type CapacityKind = 'read' | 'write';

export interface CapacityMeter {
  /** One DynamoDB call of `operation` (e.g. "PutItem") consumed `units` read or write capacity units. */
  consumed(operation: string, kind: CapacityKind, units: number): void;
}

/** An S3 API operation as S3 bills it: PutObject, GetObject, HeadObject, DeleteObject, … */
export type ObjectOperation = string;

export interface ObjectRequestMeter {
  /** One request of `operation` reached the object store (answered with success or an error: S3 bills both). */
  objectRequest(operation: ObjectOperation): void;
}

export interface MessageCounts {
  readonly messages: number;
  /** 32 KB units: what API Gateway bills. */
  readonly units: number;
  readonly bytes: number;
}

export interface RouteInvocations {
  readonly count: number;
  /** Sum of durations. */
  readonly ms: number;
  /** Sum of durations each rounded up to a whole ms, as Lambda bills them. */
  readonly billedMs: number;
}

export interface OperationCapacity {
  readonly calls: number;
  readonly units: number;
}

export interface MeterReading {
  /** Per direction, per role. */
  readonly messages: Readonly<Record<Direction, Readonly<Partial<Record<MeteredRole, MessageCounts>>>>>;
  /** Connection time in minutes since the reset (or since the connection opened), open connections up to now. */
  readonly connectionMinutes: number;
  readonly connections: number;
  readonly invocations: Readonly<Record<string, RouteInvocations>>;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Per DynamoDB operation. */
  readonly capacity: Readonly<Record<string, OperationCapacity & { readonly kind: CapacityKind }>>;
  /** S3 requests per operation. */
  readonly objectRequests: Readonly<Record<ObjectOperation, number>>;
}

export class LocalMeter implements GatewayMeter, InvocationMeter, CapacityMeter, ObjectRequestMeter {
  private messages = { in: new Map<MeteredRole, MutableCounts>(), out: new Map<MeteredRole, MutableCounts>() };
  private readonly open = new Map<string, number>();
  private closedMs = 0;
  private connectionsSeen = 0;
  private since: number;
  private invocations = new Map<string, { count: number; ms: number; billedMs: number }>();
  private capacity = new Map<string, { calls: number; units: number; kind: CapacityKind }>();
  private objectRequests = new Map<ObjectOperation, number>();

  constructor(private readonly clock: { now(): number } = Date) {
    this.since = clock.now();
  }

  message(direction: Direction, role: MeteredRole, bytes: number): void {
    const counts = this.messages[direction].get(role) ?? { messages: 0, units: 0, bytes: 0 };
    counts.messages += 1;
    counts.units += messageUnits(bytes);
    counts.bytes += bytes;
    this.messages[direction].set(role, counts);
  }

  connectionOpened(connectionId: string, _role: MeteredRole, at: number): void {
    this.open.set(connectionId, at);
    this.connectionsSeen += 1;
  }

  connectionClosed(connectionId: string, at: number): void {
    const openedAt = this.open.get(connectionId);
    if (openedAt === undefined) return;
    this.open.delete(connectionId);
    this.closedMs += Math.max(0, at - Math.max(openedAt, this.since));
  }

  invoked(route: string, durationMs: number): void {
    const counts = this.invocations.get(route) ?? { count: 0, ms: 0, billedMs: 0 };
    counts.count += 1;
    counts.ms += durationMs;
    counts.billedMs += Math.max(1, Math.ceil(durationMs));
    this.invocations.set(route, counts);
  }

  consumed(operation: string, kind: CapacityKind, units: number): void {
    const counts = this.capacity.get(operation) ?? { calls: 0, units: 0, kind };
    counts.calls += 1;
    counts.units += units;
    this.capacity.set(operation, counts);
  }

  objectRequest(operation: ObjectOperation): void {
    this.objectRequests.set(operation, (this.objectRequests.get(operation) ?? 0) + 1);
  }

  /** What was counted since the meter was made or last reset. */
  read(): MeterReading {
    const now = this.clock.now();
    let openMs = 0;
    for (const openedAt of this.open.values()) openMs += Math.max(0, now - Math.max(openedAt, this.since));
    const byRole = (map: Map<MeteredRole, MutableCounts>) => Object.fromEntries([...map].map(([role, counts]) => [role, { ...counts }]));
    const capacity = Object.fromEntries([...this.capacity].map(([operation, counts]) => [operation, { ...counts }]));
    const sum = (kind: CapacityKind) => [...this.capacity.values()].filter((c) => c.kind === kind).reduce((total, c) => total + c.units, 0);
    return {
      messages: { in: byRole(this.messages.in), out: byRole(this.messages.out) },
      connectionMinutes: (this.closedMs + openMs) / 60_000,
      connections: this.connectionsSeen,
      invocations: Object.fromEntries([...this.invocations].map(([route, counts]) => [route, { ...counts }])),
      readUnits: sum('read'),
      writeUnits: sum('write'),
      capacity,
      objectRequests: Object.fromEntries(this.objectRequests),
    };
  }

  /** Starts counting afresh; open connections count from now on. */
  reset(): void {
    this.messages = { in: new Map(), out: new Map() };
    this.closedMs = 0;
    this.connectionsSeen = this.open.size;
    this.since = this.clock.now();
    this.invocations = new Map();
    this.capacity = new Map();
    this.objectRequests = new Map();
  }
}

interface MutableCounts {
  messages: number;
  units: number;
  bytes: number;
}

/** API Gateway's billed units for one message: every started 32 KB, at least one. */
export function messageUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / APIGW_MESSAGE_UNIT_BYTES));
}

/** Totals of a reading's messages over roles and directions. */
export function totalMessages(reading: MeterReading): MessageCounts {
  const all = [...Object.values(reading.messages.in), ...Object.values(reading.messages.out)];
  return all.reduce<MessageCounts>((sum, c) => ({ messages: sum.messages + c!.messages, units: sum.units + c!.units, bytes: sum.bytes + c!.bytes }), { messages: 0, units: 0, bytes: 0 });
}

/** Totals of a reading's invocations over routes. */
export function totalInvocations(reading: MeterReading): RouteInvocations {
  return Object.values(reading.invocations).reduce<RouteInvocations>(
    (sum, r) => ({ count: sum.count + r.count, ms: sum.ms + r.ms, billedMs: sum.billedMs + r.billedMs }),
    { count: 0, ms: 0, billedMs: 0 },
  );
}
