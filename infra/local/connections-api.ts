/**
 * The @connections management API on the gateway's own port, as the real
 * `@aws-sdk/client-apigatewaymanagementapi` calls it (restJson1, path
 * `/{stage}/@connections/{connectionId}`):
 *   POST   → 200, the body is sent to the client as one text message (413 above the message quota)
 *   GET    → 200 {"connectedAt", "identity": {"sourceIp", "userAgent"}, "lastActiveAt"} (ISO 8601)
 *   DELETE → 204, the connection is closed and $disconnect fires
 * An unknown or closed connection is 410 with `x-amzn-ErrorType: GoneException`, the header the SDK
 * reads to throw its `GoneException`. Request signatures are not checked.
 *
 * A POST can be slowed by a fixed delay (AWS takes ~20 ms per post) and, in chaos mode, answered
 * as AWS does when it cannot take the post: 429 `LimitExceededException` (the account's rate, or
 * the client's buffer is full) or 500 — in both cases nothing is delivered. The SDK sees them as on
 * AWS: it retries both (429 as throttling, 500 as transient), then throws.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayConnection } from './gateway-connection';
import type { PostFault } from './gateway-chaos';

export interface ConnectionsApiDeps {
  readonly stage: string;
  readonly maxMessageBytes: number;
  /** Added to every POST before it is answered. */
  readonly postDelayMs: number;
  /** Chaos: what this POST answers instead of being delivered, if anything. */
  postFault(): PostFault | undefined;
  find(connectionId: string): GatewayConnection | undefined;
  /** Closes the connection as a DELETE does. */
  disconnect(connection: GatewayConnection): void;
}

/** The connection id a path addresses, or undefined when the path is not an @connections path. */
export function parseConnectionsPath(url: string, stage: string): string | undefined {
  const pathname = new URL(url, 'http://gateway.invalid').pathname;
  const segments = pathname.split('/');
  if (segments.length !== 4 || segments[0] !== '') return undefined;
  try {
    const [, first, second, id] = segments.map((segment) => decodeURIComponent(segment));
    return first === stage && second === '@connections' && id ? id : undefined;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export async function handleConnectionsRequest(
  deps: ConnectionsApiDeps,
  connectionId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  switch (req.method) {
    case 'POST':
      return postToConnection(deps, connectionId, req, res);
    case 'GET': {
      req.resume();
      const connection = live(deps, connectionId);
      if (!connection) return gone(res);
      return respond(res, 200, {
        connectedAt: new Date(connection.connectedAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent ?? '' },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      });
    }
    case 'DELETE': {
      req.resume();
      const connection = live(deps, connectionId);
      if (!connection) return gone(res);
      deps.disconnect(connection);
      return respond(res, 204);
    }
    default:
      req.resume();
      return respondError(res, 403, 'ForbiddenException', 'Forbidden');
  }
}

async function postToConnection(deps: ConnectionsApiDeps, connectionId: string, req: IncomingMessage, res: ServerResponse) {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > deps.maxMessageBytes) {
    req.resume();
    return payloadTooLarge(res, declared, deps.maxMessageBytes);
  }
  const body = await readBody(req, deps.maxMessageBytes);
  if (body === 'too-large') return payloadTooLarge(res, undefined, deps.maxMessageBytes);
  if (deps.postDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, deps.postDelayMs));
  const fault = deps.postFault();
  if (fault === 'throttled') return respondError(res, 429, 'LimitExceededException', 'Rate exceeded');
  if (fault === 'error') return respondError(res, 500, 'InternalServerErrorException', 'Internal server error');

  const connection = live(deps, connectionId);
  if (!connection) return gone(res);
  try {
    await connection.send(body);
  } catch {
    return gone(res); // closed while the message was being written
  }
  respond(res, 200);
}

function live(deps: ConnectionsApiDeps, connectionId: string): GatewayConnection | undefined {
  const connection = deps.find(connectionId);
  return connection?.isOpen ? connection : undefined;
}

/** Reads the whole body, or stops keeping it once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function gone(res: ServerResponse): void {
  // AWS's 410 carries no message: the SDKs report it by the error type alone.
  respondError(res, 410, 'GoneException');
}

function payloadTooLarge(res: ServerResponse, size: number | undefined, limit: number): void {
  const what = size === undefined ? 'more than' : `${size} bytes, more than`;
  respondError(res, 413, 'PayloadTooLargeException', `Message too long: ${what} the ${limit}-byte limit`);
}

function respondError(res: ServerResponse, status: number, errorType: string, message?: string): void {
  respond(res, status, message === undefined ? {} : { message }, { 'x-amzn-ErrorType': errorType });
}

function respond(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}
