/**
 * A raw WebSocket client for the fuzz suite: sends any text, keeps every frame it receives and
 * checks each against the protocol (the cloud must never answer outside it, whatever it was sent).
 */
import { WebSocket } from 'ws';
import { CloudToAgent, CloudToViewer, decode, type Role } from '../../protocol';

export class FuzzClient {
  readonly received: Record<string, unknown>[] = [];
  /** Frames that were not protocol messages: each one is a failure of the cloud. */
  readonly strayFrames: string[] = [];
  private waiters = new Set<() => void>();
  readonly closed: Promise<number>;

  private constructor(
    readonly role: Role,
    private readonly ws: WebSocket,
  ) {
    const schema = role === 'agent' ? CloudToAgent : CloudToViewer;
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const decoded = decode(schema, text);
      if (decoded.ok) this.received.push(decoded.value as Record<string, unknown>);
      else this.strayFrames.push(text.slice(0, 300));
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  static open(url: string, role: Role, token: string): Promise<FuzzClient> {
    const ws = new WebSocket(`${url}?role=${role}&token=${encodeURIComponent(token)}`);
    const client = new FuzzClient(role, ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends text as one message; above the 32 KB frame quota it is fragmented, as a client must. */
  send(text: string, options: { binary?: boolean } = {}): void {
    if (!this.isOpen) return;
    const bytes = Buffer.from(text, 'utf8');
    const frame = 32 * 1024;
    if (options.binary || bytes.length <= frame) {
      this.ws.send(bytes, { binary: options.binary ?? false });
      return;
    }
    for (let offset = 0; offset < bytes.length; offset += frame) {
      this.ws.send(bytes.subarray(offset, offset + frame), { binary: false, fin: offset + frame >= bytes.length });
    }
  }

  /** The first received message (from the start, or still to come) after index `from` that matches. */
  async waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = 0): Promise<Record<string, unknown>> {
    const find = () => this.received.slice(from).find(match);
    const hit = find();
    if (hit) return hit;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.role}: no matching message within ${timeoutMs} ms; last received: ${JSON.stringify(this.received.slice(-3)).slice(0, 600)}; open: ${this.isOpen}`));
      }, timeoutMs);
      const check = () => {
        const found = find();
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
    });
  }

  /** A ping round trip: every message sent before it has at least reached its handler. */
  async roundTrip(timeoutMs = 20_000): Promise<void> {
    if (!this.isOpen) return;
    const from = this.received.length;
    this.send('{"action":"ping"}');
    // A connection the gateway closed meanwhile (a binary or oversized frame) owes no pong.
    await Promise.race([this.waitFor((m) => m.action === 'pong', timeoutMs, from), this.closed]);
  }

  close(): Promise<number> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.closed;
  }
}
