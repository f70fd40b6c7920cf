/** Sends a stream command to an agent, if it is online. */
import type { CloudToAgent } from '../../protocol';
import { deliver } from './deliver';
import type { AgentRecord, Deps, GoneConnection } from './ports';

/** The agent's connection when it turned out to be gone (with the agent, to mark it offline). */
export async function sendToAgent(
  deps: Pick<Deps, 'messenger' | 'logger'>,
  agent: AgentRecord,
  message: CloudToAgent,
): Promise<GoneConnection[]> {
  // An offline agent gets its streams started when it registers again.
  if (!agent.online) return [];
  const { gone } = await deliver(deps, [agent.connectionId], message);
  return gone.map((connectionId) => ({ connectionId, agentId: agent.agentId }));
}
