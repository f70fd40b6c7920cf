/**
 * The WebSocket stage's throttling, in one place: API Gateway's per-route settings (a token
 * bucket: `rateLimit` requests per second refill it, up to `burstLimit`) that the stack applies
 * and the local gateway enforces the same way. Like API Gateway's, the buckets are per route for
 * the whole stage, not per connection: a flood on one route starves that route only.
 *
 * Sized for the product's scale (hundreds of agents, 500 viewers): agents' `log.batch` carries the
 * traffic and is allowed the most; viewers' actions are a few per page view; `$connect` absorbs a
 * reconnect storm of every viewer at once. Everything stays far below the account's default
 * (10 000 requests/s, burst 5 000).
 */
export interface ThrottleLimit {
  /** Steady requests per second (ThrottlingRateLimit). */
  readonly rateLimit: number;
  /** Bucket size: requests accepted at once (ThrottlingBurstLimit). */
  readonly burstLimit: number;
}

export interface RouteThrottling {
  /** The stage's DefaultRouteSettings: every route without its own entry. */
  readonly default: ThrottleLimit;
  /** RouteSettings per route key (lambdas/route-table.ts). */
  readonly routes: Readonly<Record<string, ThrottleLimit>>;
}

export const ROUTE_THROTTLING: RouteThrottling = {
  default: { rateLimit: 200, burstLimit: 1_000 },
  routes: {
    'log.batch': { rateLimit: 1_000, burstLimit: 2_000 },
    $connect: { rateLimit: 100, burstLimit: 1_000 },
  },
};
