/**
 * The event API Gateway gives a WebSocket route's Lambda (Lambda proxy integration), as
 * documented for $connect, $disconnect and message routes. The local gateway builds exactly this.
 */
export interface WebSocketRequestContext {
  routeKey: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  connectionId: string;
  /** e.g. "abc123.execute-api.eu-west-1.amazonaws.com"; locally "localhost:4510". */
  domainName: string;
  stage: string;
  apiId: string;
  /** Epoch milliseconds. */
  connectedAt: number;
  requestId: string;
  extendedRequestId: string;
  /** Epoch milliseconds. */
  requestTimeEpoch: number;
  requestTime: string;
  messageDirection: 'IN';
  messageId?: string;
  identity: { sourceIp: string; userAgent?: string };
  disconnectStatusCode?: number;
  disconnectReason?: string;
  /**
   * With a $connect authorizer: what it returned, on $connect and on every later event of the
   * connection — `principalId`, `integrationLatency` (ms) and each key of its `context`.
   */
  authorizer?: WebSocketAuthorizerContext;
}

export interface WebSocketAuthorizerContext {
  readonly principalId: string;
  readonly integrationLatency?: number;
  readonly [key: string]: string | number | boolean | undefined;
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  /** Only on $connect. */
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  /** Only on message routes. */
  body?: string;
  isBase64Encoded: boolean;
}

/** On $connect, a non-2xx statusCode refuses the connection (the client sees that HTTP status). */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

/** The part of Lambda's context object Sidetail uses (the local gateway passes the same). */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId: string;
}

export type WebSocketHandler = (event: WebSocketEvent, context?: LambdaContext) => Promise<WebSocketResult>;
