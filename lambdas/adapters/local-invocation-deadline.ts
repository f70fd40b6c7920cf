/**
 * Locally, every Lambda runs in one process and nothing kills an invocation at its timeout. The
 * local gateway therefore runs each invocation inside this context, holding its deadline, and the
 * local SDK clients refuse any request made after it: a timed-out invocation then behaves like a
 * killed Lambda — whatever it still tries against DynamoDB or @connections never happens.
 * On AWS no context is ever entered and the guard does nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
// The SDK's own middleware types (every v3 client depends on @smithy/types).
import type { MiddlewareStack } from '@smithy/types';

export class InvocationDeadlineExceededError extends Error {
  override readonly name = 'InvocationDeadlineExceededError';
  constructor(readonly deadline: number) {
    super(`the Lambda invocation timed out ${Date.now() - deadline} ms ago; on AWS it would have been stopped`);
  }
}

interface InvocationScope {
  /** Epoch milliseconds. */
  readonly deadline: number;
}

const scope = new AsyncLocalStorage<InvocationScope>();

/** Runs `work` (and everything it starts) as one invocation ending at `deadline`. */
export function runUntilDeadline<T>(deadline: number, work: () => T): T {
  return scope.run({ deadline }, work);
}

/** Throws InvocationDeadlineExceededError when called by an invocation that is past its deadline. */
export function assertBeforeDeadline(now = Date.now()): void {
  const current = scope.getStore();
  if (current && now >= current.deadline) throw new InvocationDeadlineExceededError(current.deadline);
}

/**
 * Adds the check to a client, before every attempt (after the retry middleware, so a retry after
 * the deadline is refused too). The error's name is not one the SDK retries.
 */
export function guardInvocationDeadline<I extends object, O extends object>(client: { middlewareStack: MiddlewareStack<I, O> }): void {
  client.middlewareStack.add(
    (next) => (args) => {
      assertBeforeDeadline();
      return next(args);
    },
    { step: 'deserialize', priority: 'high', name: 'localInvocationDeadline' },
  );
}
