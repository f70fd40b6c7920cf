/** The frame's text (API Gateway base64-encodes binary frames), and its JSON object if it is one. */
import type { WebSocketEvent } from './websocket-event';

export function bodyText(event: WebSocketEvent): string | undefined {
  if (event.body == null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The body as a JSON object, or undefined: for naming what a refused message was about. */
export function bodyObject(body: string | undefined): Record<string, unknown> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}
