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
}

/** Same shape as invokeHandler (its `timeoutMs` is API Gateway's integration timeout). */
export type Invoke = (handler: WebSocketHandler, event: WebSocketEvent, integrationTimeoutMs: number) => Promise<Invocation>;

export function lambdaInvoker(options: LambdaInvokerOptions): Invoke {
  return (handler, event, integrationTimeoutMs) => invokeHandler(asLambda(handler, options), event, integrationTimeoutMs);
}

/** Any handler — a route's, the authorizer's — run as a Lambda invocation (delay, context, timeout, deadline). */
export function asLambda<E, R>(handler: (event: E, context?: LambdaContext) => Promise<R>, options: LambdaInvokerOptions): (event: E) => Promise<R> {
  return async (event) => {
    const delay = options.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const deadline = Date.now() + options.timeoutMs;
    const context: LambdaContext = {
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const run = runUntilDeadline(deadline, () => handler(event, context));
    const timedOut = Symbol('timed out');
    const outcome = await raceTimeout(run, options.timeoutMs, timedOut);
    if (outcome === timedOut) throw new LambdaTimeoutError(options.timeoutMs);
    return outcome;
  };
}
