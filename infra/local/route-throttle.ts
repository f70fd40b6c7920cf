/**
 * API Gateway's route throttling: one token bucket per route key for the whole stage, filled at
 * `rateLimit` tokens per second up to `burstLimit`; a request that finds the bucket empty is
 * throttled (429 for `$connect`, a "Too Many Requests" frame for a message) and reaches no Lambda.
 */
import type { RouteThrottling, ThrottleLimit } from '../route-throttling';

export class RouteThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number; limit: ThrottleLimit }>();

  constructor(
    private readonly settings: RouteThrottling | false,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for one request on `routeKey`; false when the request is throttled. */
  admit(routeKey: string): boolean {
    if (!this.settings) return true;
    const now = this.now();
    let bucket = this.buckets.get(routeKey);
    if (!bucket) {
      const limit = this.settings.routes[routeKey] ?? this.settings.default;
      bucket = { tokens: limit.burstLimit, at: now, limit };
      this.buckets.set(routeKey, bucket);
    }
    bucket.tokens = Math.min(bucket.limit.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * bucket.limit.rateLimit);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
