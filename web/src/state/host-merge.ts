/**
 * Merges what the cloud reports about hosts into what the dashboard knows. Pure.
 *
 * Three reports, which can arrive in any order (they come from different invocations):
 * - `inventory` chunks carry whole hosts, each with `observedAt`, the newest observation the
 *   cloud held for the host's containers when it read them;
 * - `host` carries a host's status (registered, went offline) without containers;
 * - `host.containers` carries changes of some containers, observed at one time.
 *
 * Host status: the report with the newer `updatedAt` wins; on a tie the incoming one does (same
 * stored version). The cloud never removes a host, so a host once known stays.
 *
 * The agent's own status report (`status`: lag, skips) has its own clock: the report with the
 * later `observedAt` wins, or a report of another agent process (`since`) whatever its time. A
 * `host` without one says nothing about it (a registration, going offline): the held one stays.
 *
 * Containers: the dashboard remembers when it learned each container's state, or its removal. A
 * change applies unless what is held was observed later; an inventory's list replaces what is
 * held except containers changed (or removed) later than its `observedAt` — those changes are
 * newer than the list, which was read before they were stored.
 */
import type { ContainerInfo, HostContainerChanges, HostInfo, HostStatus, ReportedStatus } from '../../../protocol';

/** When the dashboard's knowledge of one container was observed, and whether it was its removal. */
export interface ContainerClock {
  readonly at: number;
  readonly removed: boolean;
  /** From an inventory's list: `at` is the list's observedAt, not when this container was seen. */
  readonly listed?: true;
}

export interface KnownHost {
  readonly host: HostInfo;
  /** By container id; removed containers included, so a late older upsert cannot bring them back. */
  readonly clocks: ReadonlyMap<string, ContainerClock>;
}

/** Milliseconds since the epoch; an unreadable time counts as oldest, so it never hides a real one. */
function timeOf(host: Pick<HostInfo, 'updatedAt'>): number {
  const ms = Date.parse(host.updatedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Whether `incoming` should replace `existing` (the same agent's earlier report). */
export function supersedes(incoming: Pick<HostInfo, 'updatedAt'>, existing: Pick<HostInfo, 'updatedAt'>): boolean {
  return timeOf(incoming) >= timeOf(existing);
}

/** A host of an `inventory` answer merged into what is known of it. */
export function mergeInventoryHost(known: KnownHost | undefined, incoming: HostInfo): KnownHost {
  const status = withReport(!known || supersedes(incoming, known.host) ? statusOf(incoming) : statusOf(known.host), newerReport(known?.host.status, incoming.status));
  const listedAt = incoming.observedAt ?? Number.NEGATIVE_INFINITY;
  const newer = [...(known?.clocks ?? new Map<string, ContainerClock>())].filter(([, clock]) => clock.at > listedAt);
  const newerIds = new Set(newer.map(([id]) => id));
  const held = new Map((known?.host.containers ?? []).map((c) => [c.id, c]));
  const containers = [
    ...incoming.containers.filter((c) => !newerIds.has(c.id)),
    ...newer.filter(([, clock]) => !clock.removed).flatMap(([id]) => (held.has(id) ? [held.get(id)!] : [])),
  ];
  const clocks = new Map<string, ContainerClock>(incoming.containers.map((c) => [c.id, { at: listedAt, removed: false, listed: true }]));
  // Held before, not listed now: gone as of the list, so an older list cannot bring it back.
  for (const id of held.keys()) if (!clocks.has(id)) clocks.set(id, { at: listedAt, removed: true, listed: true });
  for (const [id, clock] of newer) clocks.set(id, clock);
  // The newest list's time: a late older list does not move it back.
  const observedAt = Math.max(incoming.observedAt ?? Number.NEGATIVE_INFINITY, known?.host.observedAt ?? Number.NEGATIVE_INFINITY);
  return { host: { ...status, containers, ...(Number.isFinite(observedAt) ? { observedAt } : {}) }, clocks };
}

/** A `host` status: replaces the known status if not older, keeps the containers. */
export function applyHostStatus(known: KnownHost | undefined, incoming: HostStatus): KnownHost {
  if (!known) return { host: { ...withReport(statusOf(incoming), incoming.status), containers: [] }, clocks: new Map() };
  const report = newerReport(known.host.status, incoming.status);
  if (!supersedes(incoming, known.host)) return report === known.host.status ? known : { host: { ...known.host, status: report! }, clocks: known.clocks };
  return { host: withReport({ ...known.host, ...statusOf(incoming) }, report), clocks: known.clocks };
}

/** The agent's status report to keep: the later one, or the one of a newer agent process. */
export function newerReport(held: ReportedStatus | undefined, incoming: ReportedStatus | undefined): ReportedStatus | undefined {
  if (!incoming) return held;
  if (!held || incoming.since !== held.since) return incoming.since >= (held?.since ?? 0) ? incoming : held;
  return incoming.observedAt >= held.observedAt ? incoming : held;
}

function withReport<H extends HostStatus>(host: H, report: ReportedStatus | undefined): H {
  const { status: _status, ...rest } = host;
  return (report ? { ...rest, status: report } : rest) as H;
}

/**
 * A `host.containers` change. For a host not known yet (its `host` or inventory still on the way)
 * it starts one named by its agent id, online (only a connected agent reports changes) and with
 * the oldest possible status time, so that any real status replaces it.
 */
export function applyContainerChanges(known: KnownHost | undefined, change: HostContainerChanges): KnownHost {
  const base = known ?? { host: { agentId: change.agentId, hostName: change.agentId, online: true, updatedAt: '', containers: [] }, clocks: new Map() };
  const clocks = new Map(base.clocks);
  const applies = (id: string) => (clocks.get(id)?.at ?? Number.NEGATIVE_INFINITY) <= change.observedAt;
  const upsert = change.upsert.filter((c) => applies(c.id));
  const remove = new Set(change.remove.filter(applies));
  for (const c of upsert) clocks.set(c.id, { at: change.observedAt, removed: false });
  for (const id of remove) clocks.set(id, { at: change.observedAt, removed: true });
  const replaced = new Map<string, ContainerInfo>(upsert.map((c) => [c.id, c]));
  const kept = base.host.containers.filter((c) => !remove.has(c.id)).map((c) => replaced.get(c.id) ?? c);
  const added = upsert.filter((c) => !base.host.containers.some((held) => held.id === c.id));
  return { host: { ...base.host, containers: [...kept, ...added] }, clocks };
}

function statusOf(host: HostStatus): HostStatus {
  return { agentId: host.agentId, hostName: host.hostName, online: host.online, updatedAt: host.updatedAt };
}
