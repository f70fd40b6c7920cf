/**
 * The Lambda proxy events API Gateway builds for WebSocket routes, field for field as AWS sends
 * them (compared with captured events: CONNECT carries the client's handshake headers and query
 * string; MESSAGE carries the body and a messageId; DISCONNECT carries API Gateway's own small
 * header set plus disconnectStatusCode/disconnectReason).
 */
import type {
  WebSocketAuthorizerContext,
  WebSocketEvent,
  WebSocketRequestContext,
} from '../../lambdas/handlers/websocket-event';

/** What every event of one API shares. */
export interface ApiIdentity {
  readonly apiId: string;
  readonly stage: string;
  /** "127.0.0.1:4510" locally; "abc123.execute-api.eu-west-1.amazonaws.com" on AWS. */
  readonly domainName: string;
}

/** What every event of one connection shares. */
export interface ConnectionIdentity {
  readonly connectionId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** What the $connect authorizer allowed the connection with; on every event after the authorizer. */
  readonly authorizer?: WebSocketAuthorizerContext;
}

/** The parts of the upgrade request the CONNECT event reports. */
export interface HandshakeRequest {
  /** Node's `rawHeaders`: name, value, name, value… with the client's own capitalisation. */
  readonly rawHeaders: readonly string[];
  /** Path and query, e.g. "/local?role=agent&token=…". */
  readonly url: string;
  /** The port the client connected to, reported as X-Forwarded-Port. */
  readonly localPort: number;
}

export function connectEvent(
  api: ApiIdentity,
  connection: ConnectionIdentity,
  request: HandshakeRequest,
  requestId: string,
  now = Date.now(),
): WebSocketEvent {
  const { headers, multiValueHeaders } = collectHeaders(request.rawHeaders);
  // API Gateway sits in front of the integration like a proxy and says so in these headers.
  appendHeader(headers, multiValueHeaders, 'X-Amzn-Trace-Id', traceId(now));
  appendHeader(headers, multiValueHeaders, 'X-Forwarded-For', connection.sourceIp);
  setHeader(headers, multiValueHeaders, 'X-Forwarded-Port', String(request.localPort));
  setHeader(headers, multiValueHeaders, 'X-Forwarded-Proto', 'http');

  const event: WebSocketEvent = {
    headers,
    multiValueHeaders,
    requestContext: requestContext(api, connection, '$connect', 'CONNECT', requestId, now),
    isBase64Encoded: false,
  };
  const query = collectQuery(request.url);
  // Like AWS, the query fields are absent (not empty) when the URL has no query string.
  if (query) {
    event.queryStringParameters = query.single;
    event.multiValueQueryStringParameters = query.multi;
  }
  return event;
}

export function messageEvent(
  api: ApiIdentity,
  connection: ConnectionIdentity,
  routeKey: string,
  body: string,
  ids: { readonly requestId: string; readonly messageId: string },
  now = Date.now(),
): WebSocketEvent {
  return {
    requestContext: {
      ...requestContext(api, connection, routeKey, 'MESSAGE', ids.requestId, now),
      messageId: ids.messageId,
    },
    body,
    isBase64Encoded: false,
  };
}

export function disconnectEvent(
  api: ApiIdentity,
  connection: ConnectionIdentity,
  close: { readonly statusCode: number; readonly reason: string },
  requestId: string,
  now = Date.now(),
): WebSocketEvent {
  // Not the client's headers (the handshake is long over) but the fixed set AWS sends.
  const headers: Record<string, string> = {
    Host: api.domainName,
    'x-api-key': '',
    'X-Forwarded-For': '',
    'x-restapi': '',
  };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT', requestId, now),
      disconnectStatusCode: close.statusCode,
      disconnectReason: close.reason,
    },
    isBase64Encoded: false,
  };
}

function requestContext(
  api: ApiIdentity,
  connection: ConnectionIdentity,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  requestId: string,
  now: number,
): WebSocketRequestContext {
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity:
      connection.userAgent === undefined
        ? { sourceIp: connection.sourceIp }
        : { userAgent: connection.userAgent, sourceIp: connection.sourceIp },
    requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestTime: common-log-format, "19/Mar/2019:09:39:18 +0000". */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

function traceId(now: number): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${hex(24)}`;
}

function collectHeaders(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    // The single-value map keeps the last value, as in every API Gateway proxy event.
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function findHeaderName(headers: Record<string, string>, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(headers).find((existing) => existing.toLowerCase() === lower) ?? name;
}

function setHeader(headers: Record<string, string>, multi: Record<string, string[]>, name: string, value: string) {
  const key = findHeaderName(headers, name);
  headers[key] = value;
  multi[key] = [value];
}

/** X-Forwarded-For grows by one hop; a client-sent trace id is kept. */
function appendHeader(headers: Record<string, string>, multi: Record<string, string[]>, name: string, value: string) {
  const key = findHeaderName(headers, name);
  const existing = headers[key];
  if (existing === undefined) return setHeader(headers, multi, key, value);
  if (name === 'X-Amzn-Trace-Id') return;
  setHeader(headers, multi, key, `${existing}, ${value}`);
}

function collectQuery(url: string) {
  const search = new URL(url, 'http://gateway.invalid').searchParams;
  if ([...search.keys()].length === 0) return undefined;
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of search) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}
