/**
 * Merges host reports into the known hosts. Pure.
 *
 * `inventory` (in chunks) and `host` messages both carry whole hosts, and the cloud never removes a
 * host (it only marks it offline), so every report is an upsert by agentId. They can arrive out of
 * order — a late chunk of an inventory read before a `host` broadcast — so the report with the newer
 * `updatedAt` wins; on a tie the incoming one does (same stored version).
 */
import type { HostInfo } from '../../../protocol';

/** Milliseconds since the epoch; an unreadable time counts as oldest, so it never hides a real one. */
function timeOf(host: Pick<HostInfo, 'updatedAt'>): number {
  const ms = Date.parse(host.updatedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Whether `incoming` should replace `existing` (the same agent's earlier report). */
export function supersedes(incoming: Pick<HostInfo, 'updatedAt'>, existing: Pick<HostInfo, 'updatedAt'>): boolean {
  return timeOf(incoming) >= timeOf(existing);
}

/** The known hosts with `incoming` upserted by agentId; order of first appearance is kept. */
export function upsertHosts(known: readonly HostInfo[], incoming: readonly HostInfo[]): HostInfo[] {
  const byAgent = new Map<string, HostInfo>(known.map((host) => [host.agentId, host]));
  for (const host of incoming) {
    const existing = byAgent.get(host.agentId);
    if (!existing || supersedes(host, existing)) byAgent.set(host.agentId, host);
  }
  return [...byAgent.values()];
}
