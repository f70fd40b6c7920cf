/**
 * The agent's WebSocket to the cloud (API Gateway, or the local emulator).
 *
 * - Connects to `${url}?role=agent&token=…` and, on every open, sends the handshake message
 *   (agent.register) before anything else, then tells `onOpen`.
 * - Reconnects after a drop or a failed attempt with exponential backoff and jitter (capped), reset
 *   once a connection has stayed up for a while.
 * - Fragments any message above one frame: API Gateway closes the connection on a frame above
 *   32 KB, so larger messages go out as a text frame plus continuation frames.
 * - Notices a dead connection within a minute (heartbeat.ts): a `ping` after 30 s without a frame
 *   from the cloud, and a ping unanswered for 20 s ends the connection. This also keeps it inside
 *   API Gateway's 10-minute idle limit.
 * - Replaces the connection before API Gateway's 2-hour limit (at a jittered age, default
 *   1 h 45 min – 1 h 50 min), losing and repeating nothing: it opens the new socket while the old
 *   one keeps working, holds new batches (`handingOver`) until the old connection's batches in
 *   flight are acked (`isDrained`, at most `handoverDrainMs`), then makes the new socket the
 *   connection (`onClose` for the old, the handshake and `onOpen` on the new; whatever is still
 *   unacked goes again there, which the cloud's identical-rewrite rule makes harmless) and closes
 *   the old one once the new registration is confirmed (`handoverConfirmed`). The cloud takes
 *   batches only from the connection holding the registration, so there is one writer throughout.
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
import { Heartbeat } from './heartbeat';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff';

/**
 * The largest frame payload sent. A client frame's header is at most 14 bytes (2 + 8-byte length
 * + 4-byte mask), so even counting the header a frame stays within MAX_FRAME_BYTES.
 */
export const FRAME_PAYLOAD_BYTES = MAX_FRAME_BYTES - 14;

/** API Gateway closes every WebSocket connection after 2 hours. */
export const GATEWAY_MAX_CONNECTION_MS = 2 * 60 * 60_000;
/** Replace a connection by this age: ten minutes of room for a slow handover or a failed attempt. */
export const DEFAULT_MAX_CONNECTION_AGE_MS = 110 * 60_000;
/** Replacements are spread over this much before the maximum age, so a fleet does not reconnect in step. */
export const DEFAULT_REPLACE_JITTER_MS = 5 * 60_000;
/** The longest a replacement waits for the old connection's batches in flight to be acked. */
export const DEFAULT_HANDOVER_DRAIN_MS = 10_000;
/** A replaced connection is closed after this long even if the new registration is never confirmed. */
const RETIRE_TIMEOUT_MS = 60_000;
/** Between attempts to open a replacement that failed (the old connection still works meanwhile). */
const REPLACEMENT_RETRY_MS = 15_000;

/** What a replaced connection may still bring: answers to what went on it, and the cloud's stream commands. */
const TAKEN_FROM_RETIRING: ReadonlySet<CloudToAgentMessage['action']> = new Set(['log.ack', 'inventory.ack', 'log.stream.start', 'log.stream.stop']);

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
  /**
   * The open connection closed (a reconnect is scheduled unless stopping), or was replaced by a
   * new one (whose handshake and `onOpen` follow at once): what was in flight on it goes again.
   */
  readonly onClose?: () => void;
  readonly backoff?: BackoffOptions;
  /** A connection that stays up this long resets the backoff. */
  readonly stableAfterMs?: number;
  /** Ping after this long without a frame from the cloud. Default 30 s (heartbeat.ts). */
  readonly heartbeatMs?: number;
  /** A ping unanswered this long ends the connection. Default 20 s. */
  readonly heartbeatTimeoutMs?: number;
  /** Replace a connection by this age. Default 110 min (API Gateway closes at 120). */
  readonly maxConnectionAgeMs?: number;
  /** A connection is replaced at a random age between maxConnectionAgeMs minus this and maxConnectionAgeMs. Default 5 min. */
  readonly replaceJitterMs?: number;
  /** The longest a replacement waits for `isDrained`. Default 10 s. */
  readonly handoverDrainMs?: number;
  /** Whether nothing sent on the connection awaits its answer (no batch in flight): the handover may proceed. */
  readonly isDrained?: () => boolean;
  /** A replacement that held new batches failed before it took over: they may go on the old connection again. */
  readonly onHandoverCancelled?: () => void;
  readonly random?: () => number;
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
  /** The replacement being opened, or open and waiting for the old connection to drain. */
  private next: WebSocket | undefined;
  /** Open, waiting for the drain: new batches are held (`handingOver`). */
  private nextOpen = false;
  /** The replaced connection, until the new registration is confirmed. */
  private retiring: WebSocket | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private replaceTimer: ReturnType<typeof setTimeout> | undefined;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private retireTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat: Heartbeat;
  private lastFailure: string | undefined;
  private readonly drainListeners = new Set<() => void>();
  private readonly closeWaiters = new Set<() => void>();
  private readonly backoff: ReconnectBackoff;
  private readonly highWaterMark: number;

  constructor(private readonly options: CloudConnectionOptions) {
    this.backoff = new ReconnectBackoff(options.backoff);
    this.highWaterMark = options.highWaterMarkBytes ?? 1024 * 1024;
    this.heartbeat = new Heartbeat({
      ...(options.heartbeatMs !== undefined ? { idleMs: options.heartbeatMs } : {}),
      ...(options.heartbeatTimeoutMs !== undefined ? { timeoutMs: options.heartbeatTimeoutMs } : {}),
      ping: () => {
        if (this.ws && this.open) this.write(this.ws, Buffer.from(encode({ action: 'ping' }), 'utf8'));
      },
      dead: (silentForMs) => {
        this.options.logger.warn(`The cloud did not answer a heartbeat (nothing from it for ${Math.round(silentForMs / 1000)}s); reconnecting.`);
        this.ws?.terminate();
      },
    });
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
    this.dropReplacement();
    this.retire();
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

  /**
   * A replacement is open and waits for the old connection's batches in flight to be acked: send
   * no new batches meanwhile, so that none is left in flight on a connection about to go.
   */
  get handingOver(): boolean {
    return this.nextOpen;
  }

  /** The registration on the (new) connection is confirmed: the replaced one is closed now. */
  handoverConfirmed(): void {
    this.retire();
  }

  /** Something that `isDrained` reads may have changed (e.g. an ack was handled). */
  checkHandover(): void {
    if (this.nextOpen && this.options.isDrained?.() !== false) this.switchOver();
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
    const ws = this.openSocket();
    this.ws = ws;
    let opened = false;
    let lastError: Error | undefined;
    ws.on('open', () => {
      opened = true;
      if (ws === this.ws) this.onOpen(ws);
    });
    ws.on('error', (err) => {
      lastError = err;
    });
    ws.on('close', (code, reason) => this.onClose(ws, opened, code, reason.toString('utf8'), lastError));
  }

  private openSocket(): WebSocket {
    const url = new URL(this.options.url);
    url.searchParams.set('role', 'agent');
    url.searchParams.set('token', this.options.token);
    const ws = new WebSocket(url, {
      // API Gateway does not negotiate compression; without it frame sizes are what we send.
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      maxPayload: MAX_MESSAGE_BYTES,
    });
    ws.on('message', (data, isBinary) => this.onFrame(ws, data, isBinary));
    return ws;
  }

  private onOpen(ws: WebSocket): void {
    this.generation += 1;
    this.open = true;
    this.lastFailure = undefined;
    this.options.logger.info(`Connected to ${this.displayUrl}.`);
    this.begin(ws);
    this.stableTimer = setTimeout(() => this.backoff.reset(), this.options.stableAfterMs ?? 30_000);
  }

  /** `ws` is the connection from now on: register on it first, watch it, and plan its replacement. */
  private begin(ws: WebSocket): void {
    // The handshake first: the cloud refuses log batches from an agent that has not registered.
    this.write(ws, Buffer.from(encode(this.options.handshake()), 'utf8'));
    this.notify('onOpen');
    this.heartbeat.start();
    clearTimeout(this.replaceTimer);
    this.replaceTimer = setTimeout(() => this.beginReplacement(), this.replacementDelay());
  }

  /** At a random age in [max − jitter, max]: agents started together do not all reconnect at once. */
  private replacementDelay(): number {
    const max = this.options.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS;
    // At most a tenth of the age: a short configured age must not mean a replacement at once.
    const jitter = Math.min(max / 10, this.options.replaceJitterMs ?? DEFAULT_REPLACE_JITTER_MS);
    return Math.max(0, max - jitter * (this.options.random ?? Math.random)());
  }

  private beginReplacement(): void {
    if (this.stopping || this.next || !this.ws || !this.open) return;
    this.options.logger.info('Replacing the connection to the cloud before API Gateway\'s 2-hour limit.');
    const next = this.openSocket();
    this.next = next;
    let lastError: Error | undefined;
    next.on('error', (err) => {
      lastError = err;
    });
    next.on('open', () => {
      if (next === this.ws) {
        // The old connection dropped while this one was connecting: it is the connection now.
        this.onOpen(next);
        return;
      }
      if (next !== this.next) return;
      this.nextOpen = true;
      this.drainTimer = setTimeout(() => {
        if (this.next === next && this.nextOpen) {
          this.options.logger.warn(`Batches in flight on the old connection were not acked within ${(this.options.handoverDrainMs ?? DEFAULT_HANDOVER_DRAIN_MS) / 1000}s; sending them again on the new one.`);
          this.switchOver();
        }
      }, this.options.handoverDrainMs ?? DEFAULT_HANDOVER_DRAIN_MS);
      queueMicrotask(() => this.checkHandover());
    });
    next.on('close', (code, reason) => {
      if (next === this.ws) {
        this.onClose(next, this.open, code, reason.toString('utf8'), lastError);
        return;
      }
      if (next === this.retiring) {
        this.retiring = undefined;
        clearTimeout(this.retireTimer);
        return;
      }
      if (next !== this.next) return;
      const held = this.nextOpen;
      this.dropReplacement();
      if (this.stopping) return;
      if (held) this.handle('the cancelled handover', () => this.options.onHandoverCancelled?.());
      this.options.logger.warn(`Could not open the replacement connection (${describeConnectError(lastError)}); trying again in ${REPLACEMENT_RETRY_MS / 1000}s.`);
      clearTimeout(this.replaceTimer);
      this.replaceTimer = setTimeout(() => this.beginReplacement(), REPLACEMENT_RETRY_MS);
    });
  }

  /** The replacement becomes the connection; the old one retires. */
  private switchOver(): void {
    const next = this.next;
    const old = this.ws;
    if (!next || !this.nextOpen) return;
    clearTimeout(this.drainTimer);
    this.next = undefined;
    this.nextOpen = false;
    this.ws = next;
    // Write callbacks of the old socket no longer count toward bufferedAmount.
    this.generation += 1;
    this.socketPendingBytes = 0;
    this.heartbeat.stop();
    if (old) {
      this.retire();
      this.retiring = old;
      this.retireTimer = setTimeout(() => this.retire(), RETIRE_TIMEOUT_MS);
    }
    this.options.logger.info(`Connected to ${this.displayUrl} (replacing the previous connection, which closes once the registration moved).`);
    this.notify('onClose');
    this.begin(next);
    this.checkDrained();
  }

  private retire(): void {
    clearTimeout(this.retireTimer);
    const retiring = this.retiring;
    if (!retiring) return;
    this.retiring = undefined;
    if (retiring.readyState === WebSocket.OPEN) retiring.close(1000, 'replaced by a new connection');
    else retiring.terminate();
  }

  private dropReplacement(): void {
    clearTimeout(this.drainTimer);
    const next = this.next;
    this.next = undefined;
    this.nextOpen = false;
    next?.terminate();
  }

  private onFrame(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws === this.ws) this.heartbeat.received();
    else if (ws !== this.retiring) return; // nothing is expected on a replacement before its handshake
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      this.options.logger.warn(`Ignored a binary frame of ${bytes.length} bytes from the cloud: messages are JSON text.`);
      return;
    }
    const text = bytes.toString('utf8');
    const decoded = decode(CloudToAgent, text);
    if (ws === this.retiring && !(decoded.ok && TAKEN_FROM_RETIRING.has(decoded.value.action))) {
      // Its refusals and confirmations are of the old connection (e.g. `forbidden`: superseded), not of what goes on the new one.
      this.options.logger.info(`Ignored ${decoded.ok ? decoded.value.action : 'a frame'} on the replaced connection.`);
      return;
    }
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
    this.checkHandover();
  }

  private handle(what: string, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.options.logger.error(`Failed to handle ${what}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private onClose(ws: WebSocket, opened: boolean, code: number, reason: string, error: Error | undefined): void {
    if (ws === this.retiring) {
      this.retiring = undefined;
      clearTimeout(this.retireTimer);
      return;
    }
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
    const next = this.next;
    if (next) {
      // A replacement is on its way: it takes over instead of a reconnect.
      this.options.logger.warn(`Connection to the cloud closed (code ${code}${reason ? `: ${reason}` : ''}) during its replacement; going on with the new one.`);
      const wasNextOpen = this.nextOpen;
      clearTimeout(this.drainTimer);
      this.next = undefined;
      this.nextOpen = false;
      this.ws = next;
      if (wasNextOpen) this.onOpen(next);
      return;
    }
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
    this.heartbeat.stop();
    clearTimeout(this.stableTimer);
    clearTimeout(this.replaceTimer);
    this.stableTimer = undefined;
    this.replaceTimer = undefined;
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
