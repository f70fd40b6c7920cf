/**
 * The agent's WebSocket to the cloud (API Gateway, or the local emulator).
 *
 * - Connects to `${url}?role=agent&token=…` and, on every open, sends the handshake message
 *   (agent.register) before anything else, then tells `onOpen`.
 * - Reconnects after a drop or a failed attempt with exponential backoff and jitter (capped), reset
 *   once a connection has stayed up for a while.
 * - Fragments any message above one frame: API Gateway closes the connection on a frame above
 *   32 KB, so larger messages go out as a text frame plus continuation frames.
 * - Sends an application `ping` every few minutes (API Gateway drops connections idle for 10 min)
 *   and treats a ping left unanswered for a whole interval as a dead connection.
 * - Validates every incoming frame with the protocol; a bad frame is logged and ignored.
 *   API Gateway's own error frames ("Too Many Requests", "Internal server error": no `action`)
 *   are not bad frames: they go to `onGatewayError`, which decides what to resend and what to log.
 * - Backpressure: `bufferedAmount` counts bytes handed to the socket but not yet written; above
 *   the high-water mark `isCongested()` is true until it falls to half of it.
 *
 * It keeps nothing for later: while disconnected `send` returns false. Batches wait for their
 * `log.ack` in BatchDelivery, which resends them after a reconnect.
 */
import WebSocket from 'ws';
import {
  CloudToAgent,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  decode,
  encode,
  type AgentToCloud,
  type CloudToAgent as CloudToAgentMessage,
} from '../../protocol';
import type { Logger } from '../logger';
import { splitIntoFrames } from './frame-splitter';
import { decodeGatewayErrorFrame, type GatewayErrorFrame } from './gateway-error-frame';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff';

/**
 * The largest frame payload sent. A client frame's header is at most 14 bytes (2 + 8-byte length
 * + 4-byte mask), so even counting the header a frame stays within MAX_FRAME_BYTES.
 */
export const FRAME_PAYLOAD_BYTES = MAX_FRAME_BYTES - 14;

export interface CloudConnectionOptions {
  /** ws:// or wss:// URL of the stage, without the query string. */
  readonly url: string;
  readonly token: string;
  readonly logger: Logger;
  /** The first message on every connection; built anew for each one. */
  readonly handshake: () => AgentToCloud;
  /** Every valid message from the cloud except `pong`. */
  readonly onMessage: (message: CloudToAgentMessage) => void;
  /** API Gateway itself refused one of our messages, naming none (gateway-error-frame.ts). */
  readonly onGatewayError: (frame: GatewayErrorFrame) => void;
  /** A connection opened and the handshake went out on it. */
  readonly onOpen?: () => void;
  /** The open connection closed (a reconnect is scheduled unless stopping). */
  readonly onClose?: () => void;
  readonly backoff?: BackoffOptions;
  /** A connection that stays up this long resets the backoff. */
  readonly stableAfterMs?: number;
  readonly heartbeatMs?: number;
  readonly handshakeTimeoutMs?: number;
  readonly highWaterMarkBytes?: number;
}

export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
}

export class CloudConnection {
  private ws: WebSocket | undefined;
  private open = false;
  private stopping = false;
  private started = false;
  /** Bumped on every open and close, so that write callbacks of an old socket change nothing. */
  private generation = 0;
  private socketPendingBytes = 0;
  private awaitingReply = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFailure: string | undefined;
  private readonly drainListeners = new Set<() => void>();
  private readonly closeWaiters = new Set<() => void>();
  private readonly backoff: ReconnectBackoff;
  private readonly highWaterMark: number;

  constructor(private readonly options: CloudConnectionOptions) {
    this.backoff = new ReconnectBackoff(options.backoff);
    this.highWaterMark = options.highWaterMarkBytes ?? 1024 * 1024;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  /** Closes the connection (waiting at most `graceMs` for a clean close) and stops reconnecting. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.stopTimers();
    const ws = this.ws;
    if (!ws) return;
    const closed = new Promise<void>((resolve) => this.closeWaiters.add(resolve));
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, 'agent stopping');
    const timer = setTimeout(() => ws.terminate(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  get connected(): boolean {
    return this.open;
  }

  /** Bytes handed to the socket and not yet written to the network. */
  get bufferedAmount(): number {
    return this.socketPendingBytes;
  }

  isCongested(): boolean {
    return this.bufferedAmount > this.highWaterMark;
  }

  onceDrained(listener: () => void): () => void {
    const once = (): void => listener();
    this.drainListeners.add(once);
    queueMicrotask(() => this.checkDrained());
    return () => this.drainListeners.delete(once);
  }

  /**
   * Sends on the open connection; returns false, sending nothing, while there is none (the
   * next handshake carries the current inventory, and unacked batches are resent by their owner).
   * `encoded` must be `encode(message)` when given: a caller that already has it spares encoding it again.
   */
  send(message: AgentToCloud, encoded: string = encode(message)): boolean {
    const data = Buffer.from(encoded, 'utf8');
    if (data.length > MAX_MESSAGE_BYTES) {
      const error = new MessageTooLargeError(
        `not sending ${message.action}: ${data.length} bytes is above the ${MAX_MESSAGE_BYTES}-byte message limit`,
      );
      this.options.logger.error(error.message);
      return false;
    }
    if (!this.ws || !this.open) return false;
    this.write(this.ws, data);
    return true;
  }

  private connect(): void {
    const url = new URL(this.options.url);
    url.searchParams.set('role', 'agent');
    url.searchParams.set('token', this.options.token);
    const ws = new WebSocket(url, {
      // API Gateway does not negotiate compression; without it frame sizes are what we send.
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      maxPayload: MAX_MESSAGE_BYTES,
    });
    this.ws = ws;
    let opened = false;
    let lastError: Error | undefined;
    ws.on('open', () => {
      opened = true;
      this.onOpen(ws);
    });
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', (err) => {
      lastError = err;
    });
    ws.on('close', (code, reason) => this.onClose(ws, opened, code, reason.toString('utf8'), lastError));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.generation += 1;
    this.open = true;
    this.awaitingReply = false;
    this.lastFailure = undefined;
    this.options.logger.info(`Connected to ${this.displayUrl}.`);
    // The handshake first: the cloud refuses log batches from an agent that has not registered.
    this.write(ws, Buffer.from(encode(this.options.handshake()), 'utf8'));
    this.notify('onOpen');
    this.stableTimer = setTimeout(() => this.backoff.reset(), this.options.stableAfterMs ?? 30_000);
    this.heartbeatTimer = setInterval(() => this.heartbeat(ws), this.options.heartbeatMs ?? 4 * 60_000);
  }

  private heartbeat(ws: WebSocket): void {
    if (this.awaitingReply) {
      this.options.logger.warn('The cloud did not answer the last heartbeat; reconnecting.');
      ws.terminate();
      return;
    }
    this.awaitingReply = true;
    this.write(ws, Buffer.from(encode({ action: 'ping' }), 'utf8'));
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    this.awaitingReply = false;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      this.options.logger.warn(`Ignored a binary frame of ${bytes.length} bytes from the cloud: messages are JSON text.`);
      return;
    }
    const text = bytes.toString('utf8');
    const decoded = decode(CloudToAgent, text);
    if (!decoded.ok) {
      // Not our protocol: API Gateway's own answer, or a bad frame (checked only here: a valid message is parsed once).
      const gatewayError = decodeGatewayErrorFrame(text);
      if (gatewayError) {
        this.handle('API Gateway\'s error frame', () => this.options.onGatewayError(gatewayError));
        return;
      }
      this.options.logger.warn(`Ignored a message from the cloud (${decoded.error.code}): ${decoded.error.message}`);
      return;
    }
    if (decoded.value.action === 'pong') return;
    const message = decoded.value;
    this.handle(`${message.action} from the cloud`, () => this.options.onMessage(message));
  }

  private handle(what: string, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.options.logger.error(`Failed to handle ${what}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private onClose(ws: WebSocket, opened: boolean, code: number, reason: string, error: Error | undefined): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    const wasOpen = this.open;
    this.open = false;
    this.generation += 1;
    this.socketPendingBytes = 0;
    this.stopTimers();
    if (wasOpen) this.notify('onClose');
    for (const resolve of this.closeWaiters) resolve();
    this.closeWaiters.clear();
    if (this.stopping) return;
    const delay = this.backoff.next();
    const retry = `reconnecting in ${(delay / 1000).toFixed(1)}s`;
    if (opened) {
      this.options.logger.warn(`Connection to the cloud closed (code ${code}${reason ? `: ${reason}` : ''}); ${retry}.`);
    } else {
      // A cloud that stays away would otherwise fill the log: repeat only when the reason changes.
      const failure = describeConnectError(error);
      if (failure !== this.lastFailure) {
        this.options.logger.warn(`Cannot connect to ${this.displayUrl} (${failure}); ${retry}, and on with growing delays.`);
        this.lastFailure = failure;
      }
    }
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.checkDrained();
  }

  private notify(hook: 'onOpen' | 'onClose'): void {
    try {
      this.options[hook]?.();
    } catch (err) {
      this.options.logger.error(`Failed to handle the connection's ${hook === 'onOpen' ? 'opening' : 'closing'}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private write(ws: WebSocket, data: Buffer): void {
    const generation = this.generation;
    this.socketPendingBytes += data.length;
    const written = (): void => {
      if (generation !== this.generation) return;
      this.socketPendingBytes -= data.length;
      this.checkDrained();
    };
    const frames = splitIntoFrames(data, FRAME_PAYLOAD_BYTES);
    frames.forEach((frame, index) => {
      const fin = index === frames.length - 1;
      // Non-final frames have fin: false; ws sends the ones after the first as continuation frames.
      ws.send(frame, { binary: false, compress: false, fin }, fin ? written : undefined);
    });
  }

  private checkDrained(): void {
    if (this.drainListeners.size === 0 || this.bufferedAmount > this.highWaterMark / 2) return;
    const listeners = [...this.drainListeners];
    this.drainListeners.clear();
    for (const listener of listeners) listener();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.stableTimer);
    this.heartbeatTimer = undefined;
    this.stableTimer = undefined;
  }

  /** The URL without its query string: the token must never reach a log. */
  private get displayUrl(): string {
    const url = new URL(this.options.url);
    return `${url.protocol}//${url.host}${url.pathname}`;
  }
}

function describeConnectError(error: Error | undefined): string {
  if (!error) return 'connection closed during the handshake';
  const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
  if (status === '401' || status === '403') return `HTTP ${status}: the cloud refused the agent token; check SIDETAIL_AGENT_TOKEN`;
  if (status) return `HTTP ${status} instead of a WebSocket upgrade; check SIDETAIL_URL`;
  return error.message;
}
