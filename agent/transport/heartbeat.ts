/**
 * Notices a dead connection: a socket can die without a close (a NAT that forgot it, a host that
 * went away, API Gateway's side gone), and TCP alone may take many minutes to say so.
 *
 * Any frame from the cloud proves the connection alive, so a `ping` goes out only after `idleMs`
 * without one; a ping left unanswered for `timeoutMs` declares the connection dead. A busy agent
 * (acks keep arriving) therefore sends no pings at all, and a quiet one sends one every `idleMs` —
 * each is a Lambda invocation, so the interval is what it costs (docs/reliability.md).
 *
 * A connection that goes silent is declared dead at most `idleMs + timeoutMs` after the last frame
 * it brought: with the defaults, 30 s + 20 s = 50 s, inside a minute even when the event loop is
 * late by a few seconds. The same pings keep the connection inside API Gateway's 10-minute idle limit.
 */

/** Ping after this long without a frame from the cloud. */
export const DEFAULT_HEARTBEAT_IDLE_MS = 30_000;
/** A ping unanswered for this long means the connection is dead. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 20_000;

export interface HeartbeatOptions {
  readonly idleMs?: number;
  readonly timeoutMs?: number;
  /** Sends a ping on the connection. */
  readonly ping: () => void;
  /** The ping went unanswered: end the connection. Called at most once per start. */
  readonly dead: (silentForMs: number) => void;
  readonly now?: () => number;
}

export class Heartbeat {
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private replyTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFrameAt = 0;
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: HeartbeatOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_HEARTBEAT_IDLE_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** The longest a silent connection goes unnoticed. */
  get detectionMs(): number {
    return this.idleMs + this.timeoutMs;
  }

  /** The connection opened: its silence is measured from now. */
  start(): void {
    this.stop();
    this.lastFrameAt = this.now();
    this.pingTimer = setTimeout(() => this.beat(), this.idleMs);
  }

  /** A frame came from the cloud: the connection is alive. */
  received(): void {
    this.lastFrameAt = this.now();
    if (this.replyTimer) {
      clearTimeout(this.replyTimer);
      this.replyTimer = undefined;
      this.pingTimer = setTimeout(() => this.beat(), this.idleMs);
      return;
    }
    // Cheaper than clearing and setting a timer on every frame of a busy stream.
    this.pingTimer?.refresh();
  }

  stop(): void {
    clearTimeout(this.pingTimer);
    clearTimeout(this.replyTimer);
    this.pingTimer = undefined;
    this.replyTimer = undefined;
  }

  private beat(): void {
    this.pingTimer = undefined;
    this.options.ping();
    this.replyTimer = setTimeout(() => {
      this.replyTimer = undefined;
      this.options.dead(this.now() - this.lastFrameAt);
    }, this.timeoutMs);
  }
}
