/**
 * The viewer's one WebSocket to the cloud: connects, keeps itself alive, reconnects with
 * backoff, and decodes every frame with the protocol. It remembers the subscriptions the app
 * asked for and re-sends them after each (re)connect with `afterSeq` = the last seq the app
 * holds, so a dropped connection resumes without losing or repeating lines.
 *
 * Each subscribe and unsubscribe carries `op`, counted from 1 on every connection: the cloud
 * handles a connection's messages concurrently and orders these by API Gateway's receive time,
 * which has only millisecond resolution; `op` orders two sent in the same millisecond.
 */
import {
  CloudToViewer,
  containerKey,
  decode,
  encode,
  type ContainerRef,
  type LogFetch,
  type ViewerToCloud,
} from '../../../protocol';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffOptions } from './backoff';
import type { SocketFactory, SocketLink } from './socket';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Failed attempts since the last working connection. */
  readonly attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  readonly retryAt?: number;
  /** Why the last connection ended or failed. */
  readonly error?: string;
  /** Whether any connection of this session has opened; if none has, the token is suspect. */
  readonly everOpened: boolean;
}

export interface ViewerConnectionOptions {
  readonly url: string;
  readonly openSocket: SocketFactory;
  /** The last seq held for a container, sent as `afterSeq` when (re)subscribing. */
  readonly afterSeq: (ref: ContainerRef) => number | undefined;
  /** The epoch that seq belongs to, sent with it: the cloud answers `reset` if the numbering changed. */
  readonly epoch?: (ref: ContainerRef) => number | undefined;
  readonly onMessage: (message: CloudToViewer) => void;
  readonly onState: (state: ConnectionState) => void;
  /** Called just before each `log.subscribe` goes out (history for it will follow). */
  readonly onSubscribing?: (ref: ContainerRef) => void;
  readonly backoff?: BackoffOptions;
  /** API Gateway closes connections idle for 10 minutes. */
  readonly heartbeatMs?: number;
  readonly logger?: Pick<Console, 'warn'>;
}

export const HEARTBEAT_MS = 5 * 60 * 1000;

/** Close code for closing on purpose (not an error). */
const NORMAL_CLOSURE = 1000;

export class ViewerConnection {
  readonly #options: ViewerConnectionOptions;
  readonly #subscriptions = new Map<string, ContainerRef>();
  #socket: SocketLink | undefined;
  #open = false;
  #state: ConnectionState = { status: 'connecting', attempt: 0, everOpened: false };
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #receivedSinceOpen = false;
  /** The last `op` sent on the current connection. */
  #op = 0;

  constructor(options: ViewerConnectionOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  start(): void {
    if (this.#socket || this.#state.status === 'closed') return;
    this.#connect();
  }

  /** Adds a subscription; sent now if open, else on the next open. */
  subscribe(ref: ContainerRef): void {
    const key = containerKey(ref);
    if (this.#subscriptions.has(key)) return;
    this.#subscriptions.set(key, { agentId: ref.agentId, containerId: ref.containerId });
    if (this.#open) this.#sendSubscribe(ref);
  }

  /** Whether the app asked for this container (and has not unsubscribed since). */
  isSubscribed(ref: ContainerRef): boolean {
    return this.#subscriptions.has(containerKey(ref));
  }

  /**
   * Sends the subscribe of a container already subscribed once more, from the last seq held:
   * its first one was refused by a fault, or its history never came. Only while open (a
   * reconnect re-sends every subscription anyway) and only while still subscribed.
   */
  resubscribe(ref: ContainerRef): void {
    const subscribed = this.#subscriptions.get(containerKey(ref));
    if (subscribed && this.#open) this.#sendSubscribe(subscribed);
  }

  unsubscribe(ref: ContainerRef): void {
    if (!this.#subscriptions.delete(containerKey(ref))) return;
    if (this.#open) this.#send({ action: 'log.unsubscribe', agentId: ref.agentId, containerId: ref.containerId, op: ++this.#op });
  }

  /**
   * Asks the cloud's buffer for lines a broadcast could not deliver (a gap). Only while open: a
   * re-subscribe after a reconnect asks again for what was not answered (see the logs store).
   */
  fetch(request: Omit<LogFetch, 'action'>): void {
    if (this.#open) this.#send({ action: 'log.fetch', ...request });
  }

  /** Skips the backoff wait (the user clicked "retry", or the browser came back online). */
  reconnectNow(): void {
    if (this.#state.status !== 'reconnecting') return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#connect();
  }

  /** Closes for good: no reconnects, no more callbacks. */
  close(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#dropSocket();
    this.#setState({ status: 'closed', attempt: 0, everOpened: this.#state.everOpened });
  }

  #connect(): void {
    this.#dropSocket();
    const status = this.#state.attempt === 0 && !this.#state.everOpened ? 'connecting' : 'reconnecting';
    this.#setState({ ...this.#state, status, retryAt: undefined });
    const socket = this.#options.openSocket(this.#options.url, {
      onOpen: () => {
        if (socket === this.#socket) this.#onOpen();
      },
      onMessage: (data) => {
        if (socket === this.#socket) this.#onMessage(data);
      },
      onClose: (code, reason) => {
        if (socket === this.#socket) this.#onClose(code, reason);
      },
    });
    this.#socket = socket;
  }

  #onOpen(): void {
    this.#open = true;
    this.#receivedSinceOpen = false;
    this.#op = 0;
    this.#setState({ status: 'open', attempt: this.#state.attempt, everOpened: true });
    this.#send({ action: 'inventory.get' });
    for (const ref of this.#subscriptions.values()) this.#sendSubscribe(ref);
    this.#heartbeat = setInterval(() => this.#send({ action: 'ping' }), this.#options.heartbeatMs ?? HEARTBEAT_MS);
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') {
      this.#options.logger?.warn('sidetail: ignoring a binary frame');
      return;
    }
    const decoded = decode(CloudToViewer, data);
    if (!decoded.ok) {
      this.#options.logger?.warn(`sidetail: ignoring a bad frame (${decoded.error.message})`);
      return;
    }
    if (!this.#receivedSinceOpen) {
      // A valid answer proves the link works end to end: only now forget past failures, so a
      // server that accepts and immediately drops us still backs off.
      this.#receivedSinceOpen = true;
      if (this.#state.attempt !== 0) this.#setState({ ...this.#state, attempt: 0 });
    }
    this.#options.onMessage(decoded.value);
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#open;
    this.#dropSocket();
    const attempt = this.#state.attempt;
    const delay = reconnectDelay(attempt, this.#options.backoff ?? DEFAULT_BACKOFF);
    this.#setState({
      status: 'reconnecting',
      attempt: attempt + 1,
      retryAt: Date.now() + delay,
      error: describeClose(code, reason, wasOpen),
      everOpened: this.#state.everOpened,
    });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  #sendSubscribe(ref: ContainerRef): void {
    const afterSeq = this.#options.afterSeq(ref);
    const epoch = afterSeq === undefined ? undefined : this.#options.epoch?.(ref);
    this.#options.onSubscribing?.(ref);
    const op = ++this.#op;
    this.#send({
      action: 'log.subscribe',
      agentId: ref.agentId,
      containerId: ref.containerId,
      ...(afterSeq === undefined ? {} : { afterSeq }),
      ...(epoch === undefined ? {} : { epoch }),
      op,
    });
  }

  #send(message: ViewerToCloud): void {
    this.#socket?.send(encode(message));
  }

  #dropSocket(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    socket?.close(NORMAL_CLOSURE, 'client closing');
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#options.onState(state);
  }
}

function describeClose(code: number, reason: string, wasOpen: boolean): string {
  const detail = reason ? `: ${reason}` : '';
  if (!wasOpen) return `could not connect (code ${code}${detail})`;
  if (code === 1001) return `the server ended the connection (code 1001${detail})`;
  return `connection lost (code ${code}${detail})`;
}
