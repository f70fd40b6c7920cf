/** The frame's text; API Gateway base64-encodes binary frames. */
import type { WebSocketEvent } from './websocket-event';

export function bodyText(event: WebSocketEvent): string | undefined {
  if (event.body == null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
