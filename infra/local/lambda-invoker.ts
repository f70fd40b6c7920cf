/**
 * How the local gateway calls a handler as the Lambda service would: after the invocation's delay
 * (chaos), with a Lambda-like `context`, and stopped at the function's timeout — the invocation
 * then fails as "Task timed out" and, through the deadline guard on the local SDK clients
 * (lambdas/adapters/local-invocation-deadline.ts), makes no further calls to DynamoDB or the
 * @connections API, as a killed Lambda would not.
 */
import { randomUUID } from 'node:crypto';
import { runUntilDeadline } from '../../lambdas/adapters/local-invocation-deadline';
import type { LambdaContext, WebSocketEvent, WebSocketHandler } from '../../lambdas/handlers/websocket-event';
import { invokeHandler, type Invocation } from './invoke-handler';
import type { InvocationMeter } from './metering/local-meter';
import { raceTimeout } from './race-timeout';

/** What Lambda reports for an invocation that ran out of time (its `errorMessage`). */
export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

export interface LambdaInvokerOptions {
  /** The function timeout. */
  readonly timeoutMs: number;
  /** How long the next invocation waits before it starts (0 for none). */
  readonly delayMs: () => number;
  /** Opt-in: told of every invocation's route and duration (metering/local-meter.ts). */
  readonly meter?: InvocationMeter;
}

/** Same shape as invokeHandler (its `timeoutMs` is API Gateway's integration timeout). */
export type Invoke = (handler: WebSocketHandler, event: WebSocketEvent, integrationTimeoutMs: number) => Promise<Invocation>;

export function lambdaInvoker(options: LambdaInvokerOptions): Invoke {
  return (handler, event, integrationTimeoutMs) => invokeHandler(asLambda(handler, options), event, integrationTimeoutMs);
}

/**
 * Any handler — a route's, the authorizer's — run as a Lambda invocation (delay, context, timeout,
 * deadline). `route` names it to the meter; default: the event's `requestContext.routeKey`.
 */
export function asLambda<E, R>(handler: (event: E, context?: LambdaContext) => Promise<R>, options: LambdaInvokerOptions, route?: string): (event: E) => Promise<R> {
  return async (event) => {
    const delay = options.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const startedAt = performance.now();
    if (options.meter) {
      const meter = options.meter;
      const name = route ?? routeKeyOf(event);
      return run(event).finally(() => meter.invoked(name, performance.now() - startedAt));
    }
    return run(event);
  };

  async function run(event: E): Promise<R> {
    const deadline = Date.now() + options.timeoutMs;
    const context: LambdaContext = {
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const work = runUntilDeadline(deadline, () => handler(event, context));
    const timedOut = Symbol('timed out');
    const outcome = await raceTimeout(work, options.timeoutMs, timedOut);
    if (outcome === timedOut) throw new LambdaTimeoutError(options.timeoutMs);
    return outcome;
  }
}

function routeKeyOf(event: unknown): string {
  const routeKey = (event as { requestContext?: { routeKey?: unknown } } | undefined)?.requestContext?.routeKey;
  return typeof routeKey === 'string' ? routeKey : 'unknown';
}
