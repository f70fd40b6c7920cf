/**
 * Forgets connections that are gone — at $disconnect, or when a send answered 'gone' — with
 * everything hanging off them: the connection record, its viewer enrolment and its
 * subscriptions. Then it tells whoever cares: agents whose containers nobody watches any more get
 * `log.stream.stop` (see stop-if-unwatched), and viewers get the `host` when an agent went offline.
 *
 * A connection found gone while posting a container's batch comes with that container, whose
 * subscriber item is removed too: it may have no reverse item to lead the clean-up to it.
 *
 * Those notifications can find more gone connections; they are forgotten in the same run (a work
 * list, each connection at most once), so one dead viewer never leaves dangling items behind.
 */
import { containerKey } from '../../protocol';
import { broadcastHost } from './broadcast-host';
import { forEachBounded } from './for-each-bounded';
import type { Deps, GoneConnection } from './ports';
import { stopIfUnwatched } from './stop-if-unwatched';

/** Store operations in flight while cleaning up one connection. */
const CLEANUP_CONCURRENCY = 8;

/**
 * API Gateway answers 410 to posts for a connection whose `$connect` has run (enrolling a viewer
 * for broadcasts) but whose handshake has not completed yet. A broadcast's 410 that young is no
 * proof the viewer is gone: forgetting it would cut it off for good while it opens. (A 410 to a
 * reply or a subscription's batch is proof: that connection has sent a message.) The window
 * covers the longest `$connect` (API Gateway's 29 s integration timeout); a viewer really gone
 * that young is forgotten at its `$disconnect`, a later 410 or its expiry.
 */
export const HANDSHAKE_GRACE_MS = 30_000;

export async function forgetConnections(deps: Deps, gone: Iterable<string | GoneConnection>): Promise<void> {
  const queue: GoneConnection[] = [...gone].map((entry) => (typeof entry === 'string' ? { connectionId: entry } : entry));
  const done = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (done.has(next.connectionId)) continue;
    done.add(next.connectionId);
    queue.push(...(await forgetOne(deps, next)));
  }
}

async function forgetOne(deps: Deps, gone: GoneConnection): Promise<GoneConnection[]> {
  const { connectionId } = gone;
  const connection = await deps.connections.get(connectionId);
  if (gone.mayBeOpening && connection && deps.clock.now() - Date.parse(connection.connectedAt) < HANDSHAKE_GRACE_MS) return [];
  // The record goes BEFORE the subscriptions are looked up: a subscribe that still finds the
  // record after writing its items wrote them before this look-up, which therefore finds them;
  // one that finds it gone removes its items itself (subscribe.ts, docs/data-model.md).
  await deps.connections.remove(connectionId);
  const containers = await deps.subscriptions.ofConnection(connectionId);
  // A post for this container answered 410: its subscriber item goes even if nothing leads to it.
  if (gone.container && !containers.some((c) => containerKey(c) === containerKey(gone.container!))) containers.push(gone.container);
  await forEachBounded(containers, CLEANUP_CONCURRENCY, (container) => deps.subscriptions.remove(connectionId, container));

  // Unsubscribe markers are among the containers: checking one already left costs a query, and
  // covers an unsubscribe that died between its marker and its delete.
  const found: GoneConnection[] = [];
  await forEachBounded(containers, CLEANUP_CONCURRENCY, async (container) => {
    found.push(...(await stopIfUnwatched(deps, container)));
  });

  // The record may have expired already; then the sender's knowledge of the agent stands in.
  const agentId = connection ? (connection.role === 'agent' ? connection.agentId : undefined) : gone.agentId;
  if (agentId) {
    const wentOffline = await deps.agents.markOffline(agentId, connectionId, new Date(deps.clock.now()).toISOString());
    const agent = wentOffline ? await deps.agents.get(agentId) : undefined;
    if (agent) found.push(...(await broadcastHost(deps, agent)));
  }
  return found;
}
