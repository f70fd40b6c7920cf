/**
 * The order of one viewer's subscribes and unsubscribes. API Gateway stamps each message with the
 * millisecond it received it (`requestTimeEpoch`); one connection's messages arrive over one
 * socket, so that time follows the viewer's sending order — except that several messages can share
 * a millisecond. The viewer's own `op` counter (+1 per subscribe or unsubscribe) orders those.
 *
 * Orders compare by `at`, then `op`. Exactly equal orders (no op counter, same millisecond) are a
 * tie, and the tie rule is: **the unsubscribe wins** — the viewer ends up not subscribed whichever
 * was handled first. A wrongly kept subscription would run a stream for nobody, unseen, for up to
 * two hours; a wrongly ended one shows at once in the dashboard, which re-subscribes.
 */
import type { Caller, RequestOrder } from './ports';

export function requestOrder(caller: Caller, op: number | undefined): RequestOrder {
  return { at: caller.requestTime, op: op ?? 0 };
}

/** Negative when `a` came first, positive when `b` did, 0 for a tie. */
export function compareOrder(a: RequestOrder, b: RequestOrder): number {
  return a.at !== b.at ? a.at - b.at : a.op - b.op;
}
