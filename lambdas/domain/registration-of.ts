/**
 * Whether an agent connection holds its host's registration. Batches and inventories are taken
 * only from that connection: the credential names the agent, but an agent may have a newer
 * connection (this one is on its way out) or not have registered on this one yet — and two
 * connections writing one container's buffer could store overlapping batches.
 */
import type { AgentRecord, Caller, Deps } from './ports';

export type Registration =
  | { readonly kind: 'current'; readonly agent: AgentRecord }
  /** This connection has not registered yet (or is newer than the one that did). */
  | { readonly kind: 'unregistered' }
  /** A newer connection of the same agent holds the registration. */
  | { readonly kind: 'superseded' };

export async function registrationOf(deps: Pick<Deps, 'agents'>, caller: Caller & { readonly agentId: string }): Promise<Registration> {
  const agent = await deps.agents.get(caller.agentId);
  if (agent?.connectionId === caller.connectionId) return { kind: 'current', agent };
  return !agent || isNewer(caller, agent) ? { kind: 'unregistered' } : { kind: 'superseded' };
}

/** The same order as registrations (Agents.put): connection time, then connection id. */
function isNewer(caller: Caller, current: AgentRecord): boolean {
  const [at, currentAt] = [caller.connectedAt ?? 0, current.connectedAt ?? 0];
  return currentAt < at || (currentAt === at && current.connectionId < caller.connectionId);
}
