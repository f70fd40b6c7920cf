/**
 * A bare WebSocket client for benchmarks: parses each message once and notes when it arrived
 * (performance.now()), so a fan-out's spread can be measured at the receivers. No protocol
 * validation on the hot path: what is timed is delivery, not the client.
 */
import WebSocket from 'ws';
import type { AgentToCloud, ViewerToCloud } from '../protocol';

export interface TimedMessage {
  readonly at: number;
  readonly message: { action: string } & Record<string, unknown>;
}

export class TimedSocket {
  private readonly waiters = new Set<(m: TimedMessage) => boolean>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const received: TimedMessage = { at: performance.now(), message: JSON.parse(data.toString()) as TimedMessage['message'] };
      for (const waiter of [...this.waiters]) if (waiter(received)) this.waiters.delete(waiter);
    });
  }

  static async open(url: string): Promise<TimedSocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new TimedSocket(socket);
  }

  send(message: AgentToCloud | ViewerToCloud): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message (from now on) that matches, or a failure after timeoutMs. */
  next(match: (message: TimedMessage['message']) => boolean, timeoutMs = 30_000): Promise<TimedMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (received: TimedMessage): boolean => {
        if (!match(received.message)) return false;
        clearTimeout(timer);
        resolve(received);
        return true;
      };
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.socket.close();
  }
}
