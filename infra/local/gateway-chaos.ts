/**
 * What AWS does to a WebSocket API under load that a calm local process does not, as options of
 * the local gateway. Every random choice comes from one seed, logged at start, so that a failing
 * run can be replayed (`chaos: { ...options, seed }`). Each kind of choice draws from its own
 * stream, so turning one on does not shift the others.
 *
 *   invocationDelayMs  each Lambda invocation starts after a random 0..max ms: one connection's
 *                      messages then run concurrently and out of order, as in separate Lambdas.
 *   disconnectDropRate the probability that a `$disconnect` is never delivered (best effort on AWS).
 *   postFaults         fractions of @connections POSTs answered 429 LimitExceededException or
 *                      500 InternalServerErrorException instead of being delivered.
 */
import { randomSeed, seededRandom, type Random } from './seeded-random';

export interface GatewayChaosOptions {
  /** Default: a random seed (logged, and exposed as `LocalGateway.chaosSeed`). */
  readonly seed?: number;
  /** Default: no delay. */
  readonly invocationDelayMs?: { readonly max: number };
  /** 0..1. Default 0: every `$disconnect` is delivered. */
  readonly disconnectDropRate?: number;
  /** Fractions 0..1 of POSTs (together at most 1). Default 0 each. */
  readonly postFaults?: { readonly throttledRate?: number; readonly errorRate?: number };
}

/** The AWS-like mode the end-to-end specs also run in. */
export const AWS_LIKE_CHAOS: GatewayChaosOptions = {
  invocationDelayMs: { max: 40 },
  disconnectDropRate: 0.25,
};

export type PostFault = 'throttled' | 'error';

export interface GatewayChaos {
  readonly seed: number;
  /** How long the next invocation waits before it starts. */
  invocationDelay(): number;
  /** True when the next `$disconnect` is to be dropped. */
  dropsDisconnect(): boolean;
  /** What the next @connections POST answers instead of delivering, if anything. */
  postFault(): PostFault | undefined;
}

export class InvalidChaosOptionsError extends Error {
  override readonly name = 'InvalidChaosOptionsError';
}

export function gatewayChaos(options: GatewayChaosOptions = {}): GatewayChaos {
  validate(options);
  const seed = options.seed ?? randomSeed();
  const stream = (index: number): Random => seededRandom(seed + index * 0x9e3779b9);
  const delays = stream(1);
  const drops = stream(2);
  const posts = stream(3);
  const maxDelay = options.invocationDelayMs?.max ?? 0;
  const dropRate = options.disconnectDropRate ?? 0;
  const throttledRate = options.postFaults?.throttledRate ?? 0;
  const errorRate = options.postFaults?.errorRate ?? 0;
  return {
    seed,
    invocationDelay: () => (maxDelay > 0 ? Math.floor(delays() * (maxDelay + 1)) : 0),
    dropsDisconnect: () => dropRate > 0 && drops() < dropRate,
    postFault: () => {
      if (throttledRate + errorRate === 0) return undefined;
      const draw = posts();
      if (draw < throttledRate) return 'throttled';
      return draw < throttledRate + errorRate ? 'error' : undefined;
    },
  };
}

/** True when the options change anything (the seed is then worth logging). */
export function isChaotic(options: GatewayChaosOptions | undefined): boolean {
  if (!options) return false;
  return (
    (options.invocationDelayMs?.max ?? 0) > 0 ||
    (options.disconnectDropRate ?? 0) > 0 ||
    (options.postFaults?.throttledRate ?? 0) > 0 ||
    (options.postFaults?.errorRate ?? 0) > 0
  );
}

function validate(options: GatewayChaosOptions): void {
  const fraction = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1)) throw new InvalidChaosOptionsError(`${name} must be between 0 and 1, got ${value}`);
  };
  fraction('disconnectDropRate', options.disconnectDropRate);
  fraction('postFaults.throttledRate', options.postFaults?.throttledRate);
  fraction('postFaults.errorRate', options.postFaults?.errorRate);
  fraction('postFaults (together)', (options.postFaults?.throttledRate ?? 0) + (options.postFaults?.errorRate ?? 0));
  const max = options.invocationDelayMs?.max;
  if (max !== undefined && !(Number.isFinite(max) && max >= 0)) {
    throw new InvalidChaosOptionsError(`invocationDelayMs.max must be a non-negative number of milliseconds, got ${max}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new InvalidChaosOptionsError(`seed must be an integer, got ${options.seed}`);
  }
}
