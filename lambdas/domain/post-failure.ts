/**
 * A PostToConnection that failed for another reason than a gone connection. The messenger says
 * whether trying again can help: throttling (429) and server faults (5xx) pass, a refused payload
 * does not. Delivery retries the retryable ones within the invocation's time budget.
 */
export class PostFailure extends Error {
  override readonly name = 'PostFailure';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Unknown errors (a network fault, say) are worth another try; only a PostFailure can say otherwise. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof PostFailure) || error.retryable;
}
