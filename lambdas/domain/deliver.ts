/**
 * Sends one message to many connections. One gone or failing connection never stops the others.
 * Gone ones are returned for clean-up. A post that fails (throttled, a server fault) is tried
 * again, in rounds with a growing, jittered backoff, for at most RETRY_WINDOW_MS and as long as
 * the invocation's time budget leaves room for the work after delivery (the ack); what still
 * failed is logged and returned:
 * that connection missed the message, and the viewer closes the seq gap itself (log.fetch).
 */
import { EncodedMessage } from './encoded-message';
import { forEachBounded } from './for-each-bounded';
import { isRetryable } from './post-failure';
import type { Clock, Deps, Outgoing } from './ports';

/**
 * PostToConnection calls in flight per broadcast: 500 viewers at ~20 ms a post are five rounds,
 * about 100 ms. The management API client's socket pool is sized to match (management-api-clients.ts).
 */
export const DELIVERY_CONCURRENCY = 100;

/** How long an invocation may spend when Lambda's remaining time is unknown. */
export const DEFAULT_TIME_BUDGET_MS = 5_000;

/** Left of the budget, after the last retry, for what follows delivery (the ack, clean-up). */
export const RESERVED_MS = 1_000;

/**
 * Retries stop after this long even when the budget is larger: the container's ack waits for
 * them, and one viewer that keeps failing must not slow its stream to a batch per Lambda timeout.
 * It closes its gap itself (log.fetch).
 */
export const RETRY_WINDOW_MS = 2_000;

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1_000;

export interface DeliveryReport {
  /** Connections that answered 'gone'. */
  readonly gone: string[];
  /** Connections the message could not be posted to, even after retrying. */
  readonly failed: string[];
}

export type DeliveryDeps = Pick<Deps, 'messenger' | 'logger'> & Partial<Pick<Deps, 'clock' | 'deadline'>>;

export async function deliver(deps: DeliveryDeps, connectionIds: readonly string[], message: Outgoing): Promise<DeliveryReport> {
  // Encoded once here; every connection is posted the same text.
  const payload = message instanceof EncodedMessage ? message : EncodedMessage.of(message);
  const clock = deps.clock ?? systemClock;
  const start = clock.now();
  const retryUntil = Math.min((deps.deadline ?? start + DEFAULT_TIME_BUDGET_MS) - RESERVED_MS, start + RETRY_WINDOW_MS);
  const gone: string[] = [];
  const failed: string[] = [];
  const lastError = new Map<string, unknown>();

  let pending = [...connectionIds];
  for (let round = 0; pending.length > 0; round++) {
    const retry: string[] = [];
    await forEachBounded(pending, DELIVERY_CONCURRENCY, async (connectionId) => {
      try {
        if ((await deps.messenger.send(connectionId, payload)) === 'gone') gone.push(connectionId);
      } catch (error) {
        lastError.set(connectionId, error);
        (isRetryable(error) ? retry : failed).push(connectionId);
      }
    });
    const backoff = jittered(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** round));
    if (retry.length === 0 || clock.now() + backoff > retryUntil) {
      failed.push(...retry);
      break;
    }
    await sleep(clock, backoff);
    pending = retry;
  }

  for (const connectionId of failed) {
    deps.logger.warn('delivery failed', { connectionId, action: payload.action, error: describe(lastError.get(connectionId)) });
  }
  return { gone, failed };
}

/** Between half and all of `ms`: retries of many posts throttled at once do not come back in step. */
function jittered(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return clock.sleep ? clock.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

const systemClock: Clock = { now: () => Date.now() };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
