/**
 * One client connection as API Gateway tracks it: identity, activity, the idle and duration
 * clocks, and how it ended. Sending fragments messages into frames of at most the frame quota,
 * as API Gateway does for @connections posts.
 */
import type { WebSocket } from 'ws';
import type { WebSocketAuthorizerContext } from '../../lambdas/handlers/websocket-event';
import type { ConnectionIdentity } from './gateway-events';

/** Why the connection ended, as reported in the $disconnect event. */
export interface CloseCause {
  readonly statusCode: number;
  readonly reason: string;
}

export class ConnectionGoneError extends Error {
  override readonly name = 'ConnectionGoneError';
  constructor(readonly connectionId: string) {
    super(`connection ${connectionId} is gone`);
  }
}

export class GatewayConnection implements ConnectionIdentity {
  lastActiveAt: number;
  /** Set once, by whoever ends the connection first (the server, or the client's close frame). */
  cause: CloseCause | undefined;
  /** $disconnect is invoked at most once per connection. */
  disconnectNotified = false;
  /** Set right after construction when a $connect authorizer admitted the connection. */
  authorizer: WebSocketAuthorizerContext | undefined;
  /** Told of every message sent to the client (the gateway's opt-in meter). */
  onSent: ((bytes: number) => void) | undefined;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly durationTimer: NodeJS.Timeout;

  constructor(
    readonly socket: WebSocket,
    readonly connectionId: string,
    readonly connectedAt: number,
    readonly sourceIp: string,
    readonly userAgent: string | undefined,
    private readonly limits: { readonly idleTimeoutMs: number; readonly maxDurationMs: number; readonly maxFrameBytes: number },
    onIdle: () => void,
    onMaxDuration: () => void,
  ) {
    this.lastActiveAt = connectedAt;
    this.idleTimer = setTimeout(onIdle, limits.idleTimeoutMs);
    this.durationTimer = setTimeout(onMaxDuration, Math.max(0, connectedAt + limits.maxDurationMs - Date.now()));
  }

  get isOpen(): boolean {
    return this.cause === undefined && this.socket.readyState === this.socket.OPEN;
  }

  /** A data message in either direction restarts the idle clock (control frames do not). */
  touch(now = Date.now()): void {
    this.lastActiveAt = now;
    this.idleTimer.refresh();
  }

  /** Sends one text message; resolves once it is written to the socket. */
  send(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (!this.isOpen) return Promise.reject(new ConnectionGoneError(this.connectionId));
    this.touch();
    this.onSent?.(bytes.length);
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => (err ? reject(new ConnectionGoneError(this.connectionId)) : resolve());
      const frame = this.limits.maxFrameBytes;
      if (bytes.length <= frame) {
        this.socket.send(bytes, { binary: false }, done);
        return;
      }
      // Queued synchronously, so frames of two concurrent posts can never interleave.
      for (let offset = 0; offset < bytes.length; offset += frame) {
        const fin = offset + frame >= bytes.length;
        this.socket.send(bytes.subarray(offset, offset + frame), { binary: false, fin }, fin ? done : undefined);
      }
    });
  }

  stopClocks(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.durationTimer);
  }
}
