/**
 * What the refusal of a `log.subscribe` tells the viewer: which container it was (read from the
 * body even when it failed validation, as far as it can be read) and whether subscribing again
 * can succeed. Without it a viewer watching several containers cannot tell whose history will
 * never come, and has to give up on all of them.
 */
import { SafeId, type ErrorCode, type ErrorMessage } from '../../protocol';
import { bodyObject } from './event-body';

export type SubscribeRefusal = Pick<ErrorMessage, 'agentId' | 'containerId' | 'retry'>;

export function subscribeRefusal(body: string | undefined, code: ErrorCode): SubscribeRefusal {
  // Only a fault of ours passes by itself; a missing target or a full cap does not.
  return { ...identify(body), retry: code === 'internal' };
}

function identify(body: string | undefined): Omit<SubscribeRefusal, 'retry'> {
  const { agentId, containerId } = bodyObject(body) ?? {};
  // Both or neither: a container id means nothing without its agent's.
  if (!SafeId.safeParse(agentId).success || !SafeId.safeParse(containerId).success) return {};
  return { agentId: agentId as string, containerId: containerId as string };
}
