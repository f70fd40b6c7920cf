/**
 * Test helpers for the local gateway: real `ws` clients with a message queue, a recording fake
 * handler set, a raw-TCP client for hand-made frames, and cleanup of everything started.
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocket, type ClientOptions } from 'ws';
import type { WebSocketEvent, WebSocketHandler, WebSocketResult } from '../../../lambdas/handlers/websocket-event';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../../infra/local/gateway';
import { silentLogger } from '../../../infra/local/logger';

export { clientFrame } from './client-frames';

/** Promise.withResolvers, which Node 20 lacks. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export class Cleanup {
  private readonly tasks: (() => Promise<unknown> | unknown)[] = [];
  add(task: () => Promise<unknown> | unknown): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await task();
  }
}

/**
 * A silent gateway, stopped by `cleanup`. Besides quotas and timeouts, specs can set:
 *   chaos: { seed, invocationDelayMs: { max }, disconnectDropRate, postFaults: { throttledRate, errorRate } }
 *          AWS's concurrency and failures (infra/local/gateway-chaos.ts; AWS_LIKE_CHAOS is the e2e mode);
 *   lambdaTimeoutMs          default LAMBDA_TIMEOUT_MS, the stack's function timeout;
 *   throttling               default ROUTE_THROTTLING, the stack's buckets; false turns them off;
 *   postToConnectionDelayMs  a fixed latency per @connections POST (default 0).
 */
export async function gateway(cleanup: Cleanup, options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const started = await startLocalGateway({ logger: silentLogger, ...options });
  cleanup.add(() => started.stop());
  return started;
}

export function sdkClient(cleanup: Cleanup, endpoint: string): ApiGatewayManagementApiClient {
  const client = new ApiGatewayManagementApiClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  cleanup.add(() => client.destroy());
  return client;
}

/** Records every event per route and answers with `reply` (200 by default). */
export class RecordingRoutes {
  readonly events: WebSocketEvent[] = [];
  private waiters: { predicate: (e: WebSocketEvent) => boolean; resolve: (e: WebSocketEvent) => void }[] = [];

  handler(reply: (event: WebSocketEvent) => Promise<WebSocketResult> | WebSocketResult = () => ({ statusCode: 200 })): WebSocketHandler {
    return async (event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(event)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
      return reply(event);
    };
  }

  of(routeKey: string): WebSocketEvent[] {
    return this.events.filter((e) => e.requestContext.routeKey === routeKey);
  }

  /** The first event (already seen or still to come) that matches. */
  next(predicate: (e: WebSocketEvent) => boolean): Promise<WebSocketEvent> {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  disconnectOf(connectionId: string): Promise<WebSocketEvent> {
    return this.next((e) => e.requestContext.routeKey === '$disconnect' && e.requestContext.connectionId === connectionId);
  }

  connectOf(): Promise<WebSocketEvent> {
    return this.next((e) => e.requestContext.routeKey === '$connect');
  }
}

export interface TestClient {
  readonly ws: WebSocket;
  nextMessage(): Promise<string>;
  /** Resolves with the close code and reason the client saw. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export async function openClient(cleanup: Cleanup, url: string, options: ClientOptions = {}, protocols: string[] = []): Promise<TestClient> {
  const ws = new WebSocket(url, protocols, options);
  cleanup.add(() => terminate(ws));
  const queue: string[] = [];
  const waiting: ((message: string) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    const waiter = waiting.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => {}); // a close with 1009 etc. is expected in some tests
  return {
    ws,
    closed,
    nextMessage: () => {
      const queued = queue.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** The HTTP status a refused handshake answered with. */
export function refusedStatus(cleanup: Cleanup, url: string): Promise<number> {
  const ws = new WebSocket(url);
  cleanup.add(() => terminate(ws));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the handshake was accepted')));
    ws.on('error', () => {});
  });
}

function terminate(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.terminate();
  });
}

/** Sends `text` as a message fragmented into frames of `frameBytes`. */
export function sendFragmented(ws: WebSocket, text: string, frameBytes: number): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += frameBytes) {
    ws.send(bytes.subarray(offset, offset + frameBytes), { binary: false, fin: offset + frameBytes >= bytes.length });
  }
}

/** A JSON message of exactly `bytes` bytes (ASCII). */
export function messageOfSize(bytes: number, action = 'echo'): string {
  const envelope = JSON.stringify({ action, pad: '' });
  return JSON.stringify({ action, pad: 'x'.repeat(bytes - envelope.length) });
}

/** A TCP socket that has completed the WebSocket handshake, for writing hand-made frames. */
export async function rawClient(cleanup: Cleanup, gw: LocalGateway): Promise<{ socket: Socket; received: () => Buffer }> {
  const socket = tcpConnect(gw.port, '127.0.0.1');
  cleanup.add(() => socket.destroy());
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () =>
      socket.write(
        `GET /${gw.stage} HTTP/1.1\r\nHost: ${gw.domainName}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) resolve();
    });
    socket.once('error', reject);
  });
  const head = Buffer.concat(chunks);
  if (!head.toString('latin1').startsWith('HTTP/1.1 101')) throw new Error(`handshake failed: ${head.toString('latin1')}`);
  return { socket, received: () => Buffer.concat(chunks).subarray(head.indexOf('\r\n\r\n') + 4) };
}
