import WebSocket from 'ws';
import { CloudToViewer, decode, encode, type CloudToViewer as Incoming, type ViewerToCloud } from '../../protocol';

/**
 * A dashboard stand-in for tests: a real WebSocket client with the viewer role that keeps every
 * message it receives, in order, and can wait for one.
 */
export class ViewerClient {
  readonly received: Incoming[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const decoded = decode(CloudToViewer, data.toString());
      if (!decoded.ok) throw new Error(`viewer got a frame outside the protocol: ${decoded.error.message}`);
      this.received.push(decoded.value);
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(wsUrl: string, token: string): Promise<ViewerClient> {
    const socket = new WebSocket(`${wsUrl}?role=viewer&token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    });
    return new ViewerClient(socket);
  }

  send(message: ViewerToCloud): void {
    this.socket.send(encode(message));
  }

  /** Resolves with the first received message (from the start) that matches, or fails after timeoutMs. */
  async waitFor<T extends Incoming>(match: (m: Incoming) => m is T, timeoutMs?: number): Promise<T>;
  async waitFor(match: (m: Incoming) => boolean, timeoutMs?: number): Promise<Incoming>;
  async waitFor(match: (m: Incoming) => boolean, timeoutMs = 20_000): Promise<Incoming> {
    const found = () => this.received.find(match);
    const existing = found();
    if (existing) return existing;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms; received: ${this.received.map((m) => m.action).join(', ')}`));
      }, timeoutMs);
      const check = () => {
        const hit = found();
        if (!hit) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(hit);
      };
      this.waiters.add(check);
    });
  }

  /** Resolves once `condition` holds over everything received so far. */
  async waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (condition()) return;
    await this.waitFor(() => condition(), timeoutMs).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}`);
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
