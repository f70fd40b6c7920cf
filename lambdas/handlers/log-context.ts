/** What every handler log line carries, so one request can be followed across log entries. */
import type { WebSocketEvent } from './websocket-event';

export function requestContext(event: WebSocketEvent): Record<string, string> {
  const { routeKey, connectionId, requestId } = event.requestContext;
  return { routeKey, connectionId, requestId };
}

export function describeError(error: unknown): Record<string, string | undefined> {
  return error instanceof Error ? { error: `${error.name}: ${error.message}`, stack: error.stack } : { error: String(error) };
}
