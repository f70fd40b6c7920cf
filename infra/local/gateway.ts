/**
 * A local stand-in for an API Gateway WebSocket API with Lambda proxy integrations, faithful to
 * the AWS behaviour Sidetail relies on:
 *   - A $connect REQUEST authorizer, when set, runs first (gateway-authorizer.ts); its context is
 *     `requestContext.authorizer` of every later event of the connection.
 *   - $connect runs before the handshake completes; a non-2xx statusCode refuses the upgrade with
 *     that HTTP status, a throwing handler with 502 (no $connect route: every client is accepted).
 *   - Messages are routed on `$request.body.action`, falling back to $default; with neither the
 *     client gets API Gateway's `{"message": "Forbidden", …}` frame. A handler that throws gets it
 *     `{"message": "Internal server error", …}`; what a message route returns is ignored.
 *   - Handlers of one connection run concurrently (like Lambda), dispatched in arrival order.
 *   - Quotas: frames ≤ 32 KB and messages ≤ 128 KB (else close 1009), binary frames close 1003,
 *     10 min idle timeout and 2 h maximum duration (close 1001 "Going away").
 *   - $disconnect fires once per accepted connection, best effort, with disconnectStatusCode and
 *     disconnectReason.
 *   - The @connections API (POST/GET/DELETE) is served on the same port, see connections-api.ts.
 *   - Each invocation is stopped at the stack's Lambda timeout (lambdas/lambda-limits.ts) and gets
 *     a Lambda-like `context`; routes are throttled with the stack's settings (route-throttling.ts).
 *   - Optionally (`chaos`, see gateway-chaos.ts) AWS's concurrency and failures: random invocation
 *     delays, dropped `$disconnect`s, faulty @connections posts.
 *   - Optionally a fixed latency before every invocation (`invocationDelayMs`: AWS's round trip),
 *     and a meter of what AWS would bill (`meter`, see metering/local-meter.ts).
 */
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WebSocketAuthorizerContext, WebSocketEvent, WebSocketHandler } from '../../lambdas/handlers/websocket-event';
import { LAMBDA_TIMEOUT_MS } from '../../lambdas/lambda-limits';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../../protocol';
import { ROUTE_THROTTLING, type RouteThrottling } from '../route-throttling';
import { handleConnectionsRequest, parseConnectionsPath, type ConnectionsApiDeps } from './connections-api';
import { FrameSizeGuard } from './frame-size-guard';
import { GatewayConnection, type CloseCause } from './gateway-connection';
import { gatewayErrorFrame, type GatewayErrorMessage } from './gateway-error-frames';
import { runAuthorizer, type GatewayAuthorizer } from './gateway-authorizer';
import { connectEvent, disconnectEvent, messageEvent, type ApiIdentity, type ConnectionIdentity } from './gateway-events';
import { newApiId, newGatewayId } from './gateway-ids';
import { gatewayChaos, isChaotic, type GatewayChaosOptions } from './gateway-chaos';
import { readProxyResult } from './invoke-handler';
import { asLambda, lambdaInvoker } from './lambda-invoker';
import { listen, urlHost } from './listen';
import { quietConsoleLogger, type LocalLogger } from './logger';
import type { GatewayMeter, InvocationMeter, MeteredRole } from './metering/local-meter';
import { raceTimeout } from './race-timeout';
import { selectRouteKey } from './route-selection';
import { RouteThrottle } from './route-throttle';

/** Route key → handler: "$connect", "$disconnect", "$default" and one key per action. */
export type GatewayRoutes = Partial<Record<string, WebSocketHandler>>;

export interface LocalGatewayOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default "local". */
  readonly stage?: string;
  /** May be empty and filled in later with `setRoutes` (the handlers need the gateway's URL first). */
  readonly routes?: GatewayRoutes;
  /** The $connect Lambda REQUEST authorizer, run before $connect (gateway-authorizer.ts). Default none. */
  readonly authorizer?: GatewayAuthorizer;
  /** The field of `$request.body.<field>` used for route selection. Default "action". */
  readonly routeSelectionField?: string;
  /** Default 600 000 (API Gateway: 10 minutes). */
  readonly idleTimeoutMs?: number;
  /** Default 7 200 000 (API Gateway: 2 hours). */
  readonly maxDurationMs?: number;
  /** Default 128 KiB. */
  readonly maxMessageBytes?: number;
  /** Default 32 KiB. */
  readonly maxFrameBytes?: number;
  /** Default 29 000 (API Gateway's integration timeout). */
  readonly integrationTimeoutMs?: number;
  /** The function timeout every invocation is stopped at. Default LAMBDA_TIMEOUT_MS, the stack's. */
  readonly lambdaTimeoutMs?: number;
  /** Route throttling. Default ROUTE_THROTTLING, the stack's; false turns it off. */
  readonly throttling?: RouteThrottling | false;
  /** A fixed latency added to every @connections POST (AWS: ~20 ms per post). Default 0. */
  readonly postToConnectionDelayMs?: number;
  /** AWS's concurrency and failures (see gateway-chaos.ts). Default: none. */
  readonly chaos?: GatewayChaosOptions;
  /**
   * A fixed delay before every Lambda invocation starts, in ms — a realistic round trip (on AWS an
   * invocation through API Gateway takes tens of ms); chaos's random delay comes on top. Default 0.
   */
  readonly invocationDelayMs?: number;
  /** Opt-in: counts messages (in 32 KB units), connection time and invocations (metering/local-meter.ts). */
  readonly meter?: GatewayMeter & InvocationMeter;
  /** Default: warnings and errors to the console. */
  readonly logger?: LocalLogger;
}

export interface LocalGateway {
  /** ws://127.0.0.1:PORT/local */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT/local — the management API's endpoint for the SDK client. */
  readonly connectionsEndpoint: string;
  /** 127.0.0.1:PORT — what handlers see as requestContext.domainName. */
  readonly domainName: string;
  readonly stage: string;
  readonly port: number;
  /** The seed of this gateway's random choices; replay a run with `chaos: { ...options, seed }`. */
  readonly chaosSeed: number;
  /** Replaces the routes; connections already open use the new ones from their next message. */
  setRoutes(routes: GatewayRoutes): void;
  /** Sets the $connect authorizer for handshakes from now on (the handlers load after the gateway starts). */
  setAuthorizer(authorizer: GatewayAuthorizer | undefined): void;
  connectionCount(): number;
  /**
   * A stalled cloud, for tests: messages of `routeKey` are taken but reach no Lambda (nothing is
   * answered, nothing acked) until the returned function is called; then they run, in arrival order.
   */
  stall(routeKey: string): () => void;
  /**
   * Resolves once no handler invocation is running, those started while it waits included (held
   * by a stall is not running): what the store holds then is what the cloud settled on, not a
   * moment between two writes of a handler.
   */
  idle(): Promise<void>;
  /** Closes every connection (1001, with $disconnect), waits for running handlers, stops listening. */
  stop(): Promise<void>;
}

/** Close codes and reasons API Gateway uses (disconnectStatusCode / disconnectReason). */
const CLOSE = {
  goingAway: { statusCode: 1001, reason: 'Going away' },
  deleted: { statusCode: 1000, reason: 'Connection Closed Normally' },
  tooBig: { statusCode: 1009, reason: 'Message too big' },
  binary: { statusCode: 1003, reason: 'Unsupported data' },
  noStatus: { statusCode: 1005, reason: 'Client-side close frame status not set' },
  abnormal: { statusCode: 1006, reason: 'Connection closed abnormally' },
} as const satisfies Record<string, CloseCause>;

/** How long stop() waits for running handlers and closing sockets before cutting them off. */
const STOP_GRACE_MS = 5_000;

export async function startLocalGateway(options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const host = options.host ?? '127.0.0.1';
  const stage = options.stage ?? 'local';
  const field = options.routeSelectionField ?? 'action';
  const limits = {
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    maxDurationMs: options.maxDurationMs ?? 7_200_000,
    maxMessageBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    maxFrameBytes: options.maxFrameBytes ?? MAX_FRAME_BYTES,
  };
  const integrationTimeoutMs = options.integrationTimeoutMs ?? 29_000;
  const log = options.logger ?? quietConsoleLogger;
  const chaos = gatewayChaos(options.chaos);
  if (isChaotic(options.chaos)) log.warn(`[gateway] AWS-like chaos ${JSON.stringify(options.chaos)} with seed ${chaos.seed}`);
  const throttle = new RouteThrottle(options.throttling ?? ROUTE_THROTTLING);
  const fixedDelayMs = options.invocationDelayMs ?? 0;
  if (!(Number.isFinite(fixedDelayMs) && fixedDelayMs >= 0)) throw new RangeError(`invocationDelayMs must be a non-negative number of milliseconds, got ${fixedDelayMs}`);
  const meter = options.meter;
  const lambda = {
    timeoutMs: options.lambdaTimeoutMs ?? LAMBDA_TIMEOUT_MS,
    delayMs: fixedDelayMs > 0 ? () => fixedDelayMs + chaos.invocationDelay() : chaos.invocationDelay,
    ...(meter ? { meter } : {}),
  };
  const invokeHandler = lambdaInvoker(lambda);

  let routes: GatewayRoutes = { ...options.routes };
  let authorizer = options.authorizer;
  let routeKeys = new Set(Object.keys(routes).filter((key) => routes[key]));
  const connections = new Map<string, GatewayConnection>();
  /** Per stalled route, the invocations waiting for the stall to end. */
  const stalls = new Map<string, (() => void)[]>();
  /** Every handler invocation still running, so stop() can wait for them. */
  const running = new Set<Promise<unknown>>();
  /** Upgrade requests whose $connect succeeded, until `ws` hands over the socket. */
  const admitted = new WeakMap<
    IncomingMessage,
    { connectionId: string; connectedAt: number; authorizer: WebSocketAuthorizerContext | undefined; protocol?: string }
  >();
  let stopping = false;
  let api: ApiIdentity | undefined;

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  };

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    // API Gateway negotiates no extensions, so frame sizes on the wire are payload sizes.
    perMessageDeflate: false,
    // A memory backstop only, above the quota so that FrameSizeGuard always decides first and
    // closes with API Gateway's reason.
    maxPayload: 2 * limits.maxMessageBytes,
    allowSynchronousEvents: true,
    verifyClient: (info, accept) =>
      void admit(info.req, accept).catch((err: unknown) => {
        log.error('[gateway] $connect failed inside the gateway', err);
        accept(false, 500);
      }),
    // API Gateway selects no subprotocol unless the $connect integration answers with one.
    handleProtocols: (_protocols, req) => admitted.get(req)?.protocol ?? false,
  });

  const connectionsApi: ConnectionsApiDeps = {
    stage,
    maxMessageBytes: limits.maxMessageBytes,
    postDelayMs: options.postToConnectionDelayMs ?? 0,
    postFault: chaos.postFault,
    find: (connectionId) => connections.get(connectionId),
    disconnect: (connection) => closeConnection(connection, CLOSE.deleted),
  };

  const server = createServer((req, res) => {
    const connectionId = parseConnectionsPath(req.url ?? '/', stage);
    if (connectionId === undefined) {
      req.resume();
      res.writeHead(403, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'ForbiddenException' });
      res.end('{"message":"Forbidden"}');
      return;
    }
    handleConnectionsRequest(connectionsApi, connectionId, req, res).catch((err: unknown) => {
      log.error('[gateway] @connections request failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
    if (stopping) return refuseUpgrade(socket, 503);
    if (path !== `/${stage}` && path !== `/${stage}/`) return refuseUpgrade(socket, 403, '{"message":"Forbidden"}');
    if (!throttle.admit('$connect')) return refuseUpgrade(socket, 429, '{"message":"Too Many Requests"}');
    wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, req));
  });

  /** Runs $connect while the client waits for the handshake answer. */
  async function admit(req: IncomingMessage, accept: (ok: boolean, code?: number, message?: string) => void) {
    const connectionId = newGatewayId();
    const connectedAt = Date.now();
    const requestId = newGatewayId();
    const handshake = { rawHeaders: req.rawHeaders, url: req.url ?? '/', localPort: req.socket.localPort ?? 0 };
    // The authorizer decides first; what it allowed rides on every later event of the connection.
    const authorization = authorizer
      ? await track(runAuthorizer({ ...authorizer, handler: asLambda(authorizer.handler, lambda, '$authorizer') }, connectEvent(apiIdentity(), { connectionId, connectedAt, ...peer(req) }, handshake, requestId, connectedAt), apiIdentity(), integrationTimeoutMs, log))
      : undefined;
    if (authorization && !authorization.admitted) return accept(false, authorization.statusCode, authorization.body);
    const identity = { connectionId, connectedAt, ...peer(req), ...(authorization ? { authorizer: authorization.authorizer } : {}) };
    const handler = routes.$connect;
    if (!handler) {
      admitted.set(req, { connectionId, connectedAt, authorizer: identity.authorizer });
      return accept(true);
    }
    const event = connectEvent(apiIdentity(), identity, handshake, requestId, connectedAt);
    const invocation = await track(invokeHandler(handler, event, integrationTimeoutMs));

    if (invocation.outcome === 'threw') {
      log.error(`[gateway] $connect handler threw (connection ${connectionId}); refusing with 502`, invocation.error);
      return accept(false, 502, '{"message": "Internal server error"}');
    }
    if (invocation.outcome === 'timed-out') {
      log.error(`[gateway] $connect handler did not answer within ${integrationTimeoutMs} ms; refusing with 504`);
      return accept(false, 504, '{"message": "Endpoint request timed out"}');
    }
    const result = readProxyResult(invocation.result);
    if (!result) {
      log.error(`[gateway] $connect handler returned no valid statusCode (got ${JSON.stringify(invocation.result)}); refusing with 502`);
      return accept(false, 502, '{"message": "Internal server error"}');
    }
    if (result.statusCode < 200 || result.statusCode > 299) {
      log.info(`[gateway] $connect refused connection ${connectionId} with ${result.statusCode}`);
      return accept(false, result.statusCode, result.body || STATUS_CODES[result.statusCode] || 'Refused');
    }
    if (stopping || !req.socket.readable || !req.socket.writable) {
      // Accepted by the integration, but the client (or the gateway) is gone: it was connected
      // as far as $connect knows, so $disconnect tells the integration it ended.
      notifyDisconnect(identity, stopping ? CLOSE.goingAway : CLOSE.abnormal);
      return accept(false, 503);
    }
    const protocol = Object.entries(result.headers).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1];
    admitted.set(req, { connectionId, connectedAt, authorizer: identity.authorizer, ...(protocol ? { protocol } : {}) });
    accept(true);
  }

  function onOpen(ws: WebSocket, req: IncomingMessage) {
    const admission = admitted.get(req)!;
    admitted.delete(req);
    const { sourceIp, userAgent } = peer(req);
    const connection = new GatewayConnection(
      ws,
      admission.connectionId,
      admission.connectedAt,
      sourceIp,
      userAgent,
      limits,
      () => closeConnection(connection, CLOSE.goingAway),
      () => closeConnection(connection, CLOSE.goingAway),
    );
    connection.authorizer = admission.authorizer;
    connections.set(connection.connectionId, connection);
    if (meter) {
      const role = meteredRole(connection.authorizer);
      meter.connectionOpened(connection.connectionId, role, Date.now());
      connection.onSent = (bytes) => meter.message('out', role, bytes);
    }
    log.info(`[gateway] connected ${connection.connectionId} from ${sourceIp}`);

    // Sees every byte before `ws` parses it (ws attached its own listener just now, and data
    // only starts flowing on the next tick).
    const guard = new FrameSizeGuard(limits);
    /** After a quota violation: how many already-complete messages of that chunk still go through. */
    let deliverBeforeClose: number | undefined;
    ws.on('error', (err: Error & { code?: string }) => onSocketError(connection, err));
    const socket = (ws as unknown as { _socket: Duplex })._socket;
    socket.prependListener('data', (chunk: Buffer) => {
      const violation = guard.push(chunk);
      if (!violation) return;
      log.warn(
        `[gateway] closing ${connection.connectionId}: a ${violation.kind} of ${violation.bytes} bytes is over the ` +
          `${violation.limit}-byte quota (1009 Message too big)`,
      );
      deliverBeforeClose = violation.messagesBefore;
      if (violation.messagesBefore === 0) return closeConnection(connection, CLOSE.tooBig);
      // `ws` parses this chunk synchronously right after this listener, emitting the messages that
      // precede the offending frame; close once it has.
      queueMicrotask(() => closeConnection(connection, CLOSE.tooBig));
    });

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (deliverBeforeClose !== undefined && deliverBeforeClose-- <= 0) return;
      if (connection.cause) return; // already closing: nothing more reaches the integration
      if (isBinary) return closeConnection(connection, CLOSE.binary);
      meter?.message('in', meteredRole(connection.authorizer), data.length);
      connection.touch();
      dispatch(connection, data.toString('utf8'));
    });

    ws.on('close', (code: number, reason: Buffer) => {
      connection.stopClocks();
      connections.delete(connection.connectionId);
      connection.cause ??= clientCause(code, reason.toString('utf8'));
      notifyDisconnect(connection, connection.cause, connection);
    });
  }

  function dispatch(connection: GatewayConnection, body: string) {
    const routeKey = selectRouteKey(body, routeKeys, field);
    const requestId = newGatewayId();
    if (routeKey === undefined) {
      void sendErrorFrame(connection, 'Forbidden', requestId);
      return;
    }
    if (!throttle.admit(routeKey)) {
      // API Gateway answers a throttled message itself and keeps the connection.
      log.info(`[gateway] ${routeKey} throttled (connection ${connection.connectionId})`);
      void sendErrorFrame(connection, 'Too Many Requests', requestId);
      return;
    }
    const stalled = stalls.get(routeKey);
    if (stalled) {
      stalled.push(() => invoke(connection, routeKey, body, requestId));
      return;
    }
    invoke(connection, routeKey, body, requestId);
  }

  function invoke(connection: GatewayConnection, routeKey: string, body: string, requestId: string) {
    const event = messageEvent(apiIdentity(), connection, routeKey, body, { requestId, messageId: newGatewayId() });
    void track(invokeHandler(routes[routeKey]!, event, integrationTimeoutMs)).then((invocation) => {
      if (invocation.outcome === 'threw') {
        log.error(`[gateway] ${routeKey} handler threw (connection ${connection.connectionId})`, invocation.error);
        return sendErrorFrame(connection, 'Internal server error', requestId);
      }
      if (invocation.outcome === 'timed-out') {
        log.error(`[gateway] ${routeKey} handler did not answer within ${integrationTimeoutMs} ms`);
        return sendErrorFrame(connection, 'Endpoint request timed out', requestId);
      }
    });
  }

  function sendErrorFrame(connection: GatewayConnection, message: GatewayErrorMessage, requestId: string) {
    return connection.send(gatewayErrorFrame(message, connection.connectionId, requestId)).catch(() => {
      // the client left meanwhile: nobody to tell
    });
  }

  /** Ends a connection from the gateway's side; $disconnect fires right away. */
  function closeConnection(connection: GatewayConnection, cause: CloseCause) {
    if (connection.cause) return;
    connection.cause = cause;
    connection.stopClocks();
    connections.delete(connection.connectionId);
    connection.socket.close(cause.statusCode, cause.reason);
    notifyDisconnect(connection, cause, connection);
  }

  function onSocketError(connection: GatewayConnection, err: Error & { code?: string }) {
    // `ws` closes the socket itself after a protocol error; record why, for $disconnect.
    log.info(`[gateway] connection ${connection.connectionId}: ${err.message}`);
    if (connection.cause) return;
    connection.cause =
      err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? CLOSE.tooBig
        : err.code === 'WS_ERR_INVALID_UTF8'
          ? { statusCode: 1007, reason: 'Invalid frame payload data' }
          : { statusCode: 1002, reason: 'Protocol error' };
    connection.stopClocks();
    connections.delete(connection.connectionId);
    notifyDisconnect(connection, connection.cause, connection);
  }

  function notifyDisconnect(
    identity: ConnectionIdentity,
    cause: CloseCause,
    connection?: GatewayConnection,
  ) {
    if (connection) {
      if (connection.disconnectNotified) return;
      connection.disconnectNotified = true;
      meter?.connectionClosed(connection.connectionId, Date.now());
    }
    log.info(`[gateway] disconnected ${identity.connectionId} (${cause.statusCode} ${cause.reason})`);
    const handler = routes.$disconnect;
    if (!handler) return;
    if (chaos.dropsDisconnect()) {
      log.info(`[gateway] chaos: $disconnect of ${identity.connectionId} is never delivered`);
      return;
    }
    const event: WebSocketEvent = disconnectEvent(apiIdentity(), identity, cause, newGatewayId());
    void track(invokeHandler(handler, event, integrationTimeoutMs)).then((invocation) => {
      if (invocation.outcome === 'threw') log.error(`[gateway] $disconnect handler threw (connection ${identity.connectionId})`, invocation.error);
      if (invocation.outcome === 'timed-out') log.error(`[gateway] $disconnect handler did not answer within ${integrationTimeoutMs} ms`);
    });
  }

  function apiIdentity(): ApiIdentity {
    return api!;
  }

  const port = await listen(server, options.port ?? 0, host);
  const domainName = `${urlHost(host)}:${port}`;
  api = { apiId: newApiId(), stage, domainName };

  return {
    wsUrl: `ws://${domainName}/${stage}`,
    connectionsEndpoint: `http://${domainName}/${stage}`,
    domainName,
    stage,
    port,
    chaosSeed: chaos.seed,
    setRoutes(next) {
      routes = { ...next };
      routeKeys = new Set(Object.keys(routes).filter((key) => routes[key]));
    },
    setAuthorizer(next) {
      authorizer = next;
    },
    connectionCount: () => connections.size,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    stall(routeKey) {
      const waiting: (() => void)[] = [];
      stalls.set(routeKey, waiting);
      return () => {
        if (stalls.get(routeKey) !== waiting) return;
        stalls.delete(routeKey);
        for (const run of waiting.splice(0)) run();
      };
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      const sockets = [...connections.values()].map((connection) => connection.socket);
      for (const connection of [...connections.values()]) closeConnection(connection, CLOSE.goingAway);
      await settleWithin(Promise.all(sockets.map(closed)), STOP_GRACE_MS);
      for (const ws of sockets) ws.terminate();
      while (running.size > 0) {
        if (!(await settleWithin(Promise.allSettled([...running]), STOP_GRACE_MS))) {
          log.warn(`[gateway] stopped with ${running.size} handler invocation(s) still running`);
          break;
        }
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      wss.close();
    },
  };
}

function meteredRole(authorizer: WebSocketAuthorizerContext | undefined): MeteredRole {
  const role = authorizer?.role;
  return role === 'agent' || role === 'viewer' ? role : 'unknown';
}

function refuseUpgrade(socket: Duplex, status: number, body = STATUS_CODES[status] ?? '') {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function peer(req: IncomingMessage): { sourceIp: string; userAgent?: string } {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  const sourceIp = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  const userAgent = req.headers['user-agent'];
  return userAgent === undefined ? { sourceIp } : { sourceIp, userAgent };
}

/** The cause of a close the client started. */
function clientCause(code: number, reason: string): CloseCause {
  if (code === 1005) return CLOSE.noStatus;
  if (code === 1006) return CLOSE.abnormal;
  return { statusCode: code, reason };
}

function closed(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

/** True if the work settled within `ms`. */
function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return raceTimeout(work.then(() => true), ms, false);
}
