/**
 * The cloud as far as an agent bench needs it, and no slower than the agent: a `ws` server on
 * 127.0.0.1 that confirms every registration, starts a stream for each container it is given, and
 * acks every `log.batch` at once. It counts what it received (so a bench can check the agent was
 * really busy) and nothing more.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BENCH_AGENT_ID = 'bench-host';

export class AckingCloud {
  lines = 0;
  batches = 0;
  /** Containers with at least one batch received. */
  readonly streaming = new Set<string>();
  /** The containers asked for: on `startStreams`, and on every registration after it. */
  private watched: string[] = [];
  private agent: WebSocket | undefined;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket) => socket.on('message', (data) => this.receive(socket, data.toString())));
  }

  /** True once an agent has registered. */
  get registered(): boolean {
    return this.agent !== undefined;
  }

  /** Asks the registered agent to follow these containers, as the cloud does when viewers subscribe. */
  startStreams(containerIds: readonly string[]): void {
    this.watched = [...containerIds];
    const epoch = Date.now();
    for (const containerId of containerIds) this.agent?.send(JSON.stringify({ action: 'log.stream.start', containerId, tail: 0, epoch }));
  }

  static async start(): Promise<AckingCloud> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new AckingCloud(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/local`;
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(socket: WebSocket, text: string): void {
    const message = JSON.parse(text) as { action: string; containerId?: string; firstSeq?: number; lastSeq?: number; part?: { index: number; count: number } };
    if (message.action === 'agent.register') {
      socket.send(JSON.stringify({ action: 'agent.registered', agentId: BENCH_AGENT_ID, watched: this.watched }));
      this.agent = socket;
      if (this.watched.length > 0) this.startStreams(this.watched);
    } else if (message.action === 'log.batch' && message.containerId && message.firstSeq !== undefined && message.lastSeq !== undefined) {
      const part = message.part;
      // A part but the last is acked with its index; the batch counts once, at its last part.
      if (part && part.index < part.count - 1) {
        socket.send(JSON.stringify({ action: 'log.ack', containerId: message.containerId, seq: message.lastSeq, part: part.index }));
        return;
      }
      this.lines += message.lastSeq - message.firstSeq + 1;
      this.batches += 1;
      this.streaming.add(message.containerId);
      socket.send(JSON.stringify({ action: 'log.ack', containerId: message.containerId, seq: message.lastSeq }));
    } else if (message.action === 'agent.inventory') {
      socket.send(JSON.stringify({ action: 'inventory.ack', observedAt: (message as { observedAt?: number }).observedAt }));
    } else if (message.action === 'ping') {
      socket.send(JSON.stringify({ action: 'pong' }));
    }
  }
}
