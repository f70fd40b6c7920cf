/**
 * A viewer's subscriptions are bounded: per connection (what one dashboard may hold open) and per
 * container (how wide one batch fans out). Both counts are taken before anything is written, so a
 * refused subscribe leaves nothing behind.
 *
 * Concurrent subscribes each count before any of them writes, so the caps can be passed by the
 * number of such subscribes in flight at once (docs/data-model.md, "Caps"): a bound on abuse, not an
 * exact quota.
 */
import { MAX_SUBSCRIBERS_PER_CONTAINER, MAX_SUBSCRIPTIONS_PER_CONNECTION, ProtocolError, type ContainerRef } from '../../protocol';
import type { Deps } from './ports';

/** Throws `limit_exceeded` when subscribing `connectionId` to `container` would pass a cap. */
export async function checkSubscriptionCaps(deps: Pick<Deps, 'subscriptions'>, connectionId: string, container: ContainerRef): Promise<void> {
  // The pair itself is not counted: subscribing again to a container already watched adds nothing.
  const [held, watchers] = await Promise.all([
    deps.subscriptions.subscriptionCount(connectionId, container),
    deps.subscriptions.subscriberCount(container, connectionId),
  ]);
  if (held >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    throw new ProtocolError(
      'limit_exceeded',
      `this connection already watches ${held} containers; the limit is ${MAX_SUBSCRIPTIONS_PER_CONNECTION}: unsubscribe from one first`,
    );
  }
  if (watchers >= MAX_SUBSCRIBERS_PER_CONTAINER) {
    throw new ProtocolError(
      'limit_exceeded',
      `container ${JSON.stringify(container.containerId)} of agent ${JSON.stringify(container.agentId)} already has ${watchers} subscribers; the limit is ${MAX_SUBSCRIBERS_PER_CONTAINER}`,
    );
  }
}
