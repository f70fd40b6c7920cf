/**
 * Sends one message to many connections. One gone or failing connection never stops the others:
 * gone ones are returned for clean-up, failures are logged (the message is lost for that
 * connection only, and it will see a seq gap).
 */
import { EncodedMessage } from './encoded-message';
import { forEachBounded } from './for-each-bounded';
import type { Deps, Outgoing } from './ports';

/** PostToConnection calls in flight per broadcast. */
export const DELIVERY_CONCURRENCY = 16;

/** The ids that answered 'gone'. */
export async function deliver(
  deps: Pick<Deps, 'messenger' | 'logger'>,
  connectionIds: readonly string[],
  message: Outgoing,
): Promise<string[]> {
  // Encoded once here; every connection is posted the same text.
  const payload = message instanceof EncodedMessage ? message : EncodedMessage.of(message);
  const gone: string[] = [];
  await forEachBounded(connectionIds, DELIVERY_CONCURRENCY, async (connectionId) => {
    try {
      if ((await deps.messenger.send(connectionId, payload)) === 'gone') gone.push(connectionId);
    } catch (error) {
      deps.logger.warn('delivery failed', { connectionId, action: payload.action, error: describe(error) });
    }
  });
  return gone;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
