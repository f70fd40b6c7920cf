/**
 * `agent.status`: an agent's periodic report of its lag and skips. Kept on the host record (only
 * from the connection holding the registration, and only if newer than the stored one), so that
 * `inventory` carries it; viewers are sent the host (`host`) only when the report says something
 * new to them — a restart, new skips, or the lag moving into another band — not every minute.
 */
import { ProtocolError, SkipReason, type AgentStatus, type ReportedStatus, type SkipCount } from '../../protocol';
import { broadcastHost } from './broadcast-host';
import { forgetConnections } from './forget-connections';
import type { Caller, Deps } from './ports';
import { registrationOf } from './registration-of';

/** Upper bounds of the lag bands a viewer is told about: up to date, seconds, a minute, ten, an hour, more. */
const LAG_BANDS_MS = [5_000, 60_000, 10 * 60_000, 60 * 60_000];

export async function recordStatus(deps: Deps, caller: Caller, message: AgentStatus): Promise<void> {
  if (!caller.agentId) throw new ProtocolError('not_registered', 'send agent.register before agent.status');
  const registration = await registrationOf(deps, { ...caller, agentId: caller.agentId });
  if (registration.kind === 'unregistered') throw new ProtocolError('not_registered', 'send agent.register before agent.status');
  if (registration.kind === 'superseded') {
    // The newer connection reports for the host now.
    deps.logger.warn('status from a superseded agent connection ignored', { agentId: caller.agentId, connectionId: caller.connectionId });
    return;
  }
  const { action: _action, ...status } = message;
  const previous = registration.agent.status;
  if (!(await deps.agents.putStatus(caller.agentId, caller.connectionId, status))) return;
  if (!isNews(previous, status)) return;
  await forgetConnections(deps, await broadcastHost(deps, { ...registration.agent, status }));
}

/** Whether a viewer would see a difference: another agent process, other skip counts, another lag band. */
export function isNews(previous: ReportedStatus | undefined, next: ReportedStatus): boolean {
  if (!previous) return true;
  return (
    previous.since !== next.since ||
    lagBand(previous.lagMs) !== lagBand(next.lagMs) ||
    SKIP_REASONS.some((reason) => !sameCount(previous.skipped[reason], next.skipped[reason]))
  );
}

const SKIP_REASONS = SkipReason.options;

// Field by field: a status read back from DynamoDB keeps no key order, so its JSON may differ.
function sameCount(a: SkipCount | undefined, b: SkipCount | undefined): boolean {
  return a?.markers === b?.markers && a?.lines === b?.lines && a?.atLeast === b?.atLeast;
}

export function lagBand(lagMs: number): number {
  const band = LAG_BANDS_MS.findIndex((bound) => lagMs < bound);
  return band === -1 ? LAG_BANDS_MS.length : band;
}
