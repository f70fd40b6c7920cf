/** Sends a stream command to an agent, if it is online. */
import type { CloudToAgent } from '../../protocol';
import { deliver, type DeliveryDeps } from './deliver';
import type { AgentRecord, GoneConnection } from './ports';

/**
 * A stream command that could not be posted even after delivery's retries: a lost start leaves
 * subscribers without lines, so it is never dropped in silence — the caller fails, and its client
 * tries again (a viewer's subscribe, an agent's registration).
 */
export class AgentUnreachable extends Error {
  override readonly name = 'AgentUnreachable';
  constructor(
    readonly agentId: string,
    readonly action: CloudToAgent['action'],
  ) {
    super(`could not post ${action} to agent ${agentId}, even after retrying`);
  }
}

/** The agent's connection when it turned out to be gone (with the agent, to mark it offline). */
export async function sendToAgent(
  deps: DeliveryDeps,
  agent: AgentRecord,
  message: CloudToAgent,
): Promise<GoneConnection[]> {
  // An offline agent gets its streams started when it registers again.
  if (!agent.online) return [];
  const { gone, failed } = await deliver(deps, [agent.connectionId], message);
  if (failed.length > 0) throw new AgentUnreachable(agent.agentId, message.action);
  return gone.map((connectionId) => ({ connectionId, agentId: agent.agentId }));
}
