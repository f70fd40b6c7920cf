/**
 * Calling a route's handler the way API Gateway calls a Lambda: the outcome is what came back,
 * what was thrown, or nothing within the integration timeout (29 s on AWS). The handler is not
 * stopped on timeout — a Lambda also keeps running after API Gateway gives up on it.
 */
import type { WebSocketEvent, WebSocketHandler } from '../../lambdas/handlers/websocket-event';
import { raceTimeout } from './race-timeout';

export type Invocation =
  | { readonly outcome: 'returned'; readonly result: unknown }
  | { readonly outcome: 'threw'; readonly error: unknown }
  | { readonly outcome: 'timed-out' };

export function invokeHandler(handler: WebSocketHandler, event: WebSocketEvent, timeoutMs: number): Promise<Invocation> {
  const run = (async (): Promise<Invocation> => {
    try {
      // Lambda hands each invocation its own deserialized copy of the event.
      return { outcome: 'returned', result: await handler(structuredClone(event)) };
    } catch (error) {
      return { outcome: 'threw', error };
    }
  })();
  return raceTimeout(run, timeoutMs, { outcome: 'timed-out' } as const);
}

/** A $connect result accepts the connection with a 2xx statusCode and refuses it with any other. */
export function readProxyResult(result: unknown): { statusCode: number; body?: string; headers: Record<string, string> } | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const { statusCode, body, headers } = result as { statusCode?: unknown; body?: unknown; headers?: unknown };
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  return {
    statusCode,
    body: typeof body === 'string' ? body : undefined,
    headers:
      headers !== null && typeof headers === 'object'
        ? Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
        : {},
  };
}
