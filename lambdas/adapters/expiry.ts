/**
 * Expiry times of stored items. DynamoDB's TTL deletes lazily (hours late) and dynalite never, so
 * every read also drops items whose `expiresAt` has passed.
 */

/** API Gateway closes a WebSocket after 2 h; connection items outlive that by an hour. */
export const CONNECTION_TTL_SECONDS = 3 * 3600;

/** The `expiresAt` (epoch seconds) of an item written at `nowMs` that lives `ttlSeconds`. */
export function expiresAt(nowMs: number, ttlSeconds: number): number {
  return Math.floor(nowMs / 1000) + ttlSeconds;
}

/** Items without `expiresAt` (hosts) never expire. */
export function isExpired(item: Record<string, unknown>, nowMs: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt < Math.floor(nowMs / 1000);
}
