/**
 * A real `ws` server on 127.0.0.1, port 0, standing in for the cloud in agent tests: it records
 * each connection's query, messages and raw frames, and can send, refuse and drop.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentLogBatch, LogLine } from '../../../protocol';
import { linesOfPacked } from '../../support/packed-batches';
import { WebSocketFrameRecorder } from './websocket-frame-recorder';

export class TestConnection {
  readonly messages: string[] = [];
  readonly recorder = new WebSocketFrameRecorder();
  closeCode: number | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly query: URLSearchParams,
  ) {}

  /** The messages parsed as JSON. */
  get json(): { action: string; [key: string]: unknown }[] {
    return this.messages.map((m) => JSON.parse(m));
  }

  /**
   * The log.batch messages received, each with the lines its packed data carries; a part carries
   * its batch's lines when it completes the batch, none before.
   */
  get batches(): (AgentLogBatch & { lines: LogLine[] })[] {
    const received = this.json.filter((m) => m.action === 'log.batch') as unknown as AgentLogBatch[];
    return received.map((batch, i) => {
      if (!batch.part) return { ...batch, lines: linesOfPacked([batch]) };
      const sameBatch = received.slice(0, i + 1).filter((b) => b.part && b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq);
      const before = linesOfPacked(sameBatch.slice(0, -1)).length;
      return { ...batch, lines: linesOfPacked(sameBatch).slice(before) };
    });
  }

  get actions(): string[] {
    return this.json.map((m) => m.action);
  }

  send(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }
}

/** The agent id this fake cloud confirms registrations with, as if every token named it. */
export const TEST_AGENT_ID = 'box-1';

export class TestCloud {
  readonly connections: TestConnection[] = [];
  /** Answer each `ping` with a `pong`, as the cloud's ping route does. */
  connectionsAnswerPings = false;
  /** Answer each `agent.register` with `agent.registered`, as the cloud does once it stored it. */
  confirmsRegistrations = true;
  /** Answer each `log.batch` with its `log.ack` (a part but the last with its index), as the cloud does once it holds it. */
  acksBatches = false;
  /** The `watched` list those confirmations carry; undefined sends none (as an older cloud). */
  watched: string[] | undefined;

  private constructor(
    private readonly server: WebSocketServer,
    readonly port: number,
  ) {
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      const connection = new TestConnection(socket, new URL(request.url ?? '/', 'ws://localhost').searchParams);
      // Before ws's own listener: ws unmasks payloads in place, in the very Buffer it is given.
      request.socket.prependListener('data', (chunk: Buffer) => connection.recorder.push(chunk));
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        connection.messages.push(data.toString());
        const last = connection.json.at(-1);
        if (this.connectionsAnswerPings && last?.action === 'ping') socket.send(JSON.stringify({ action: 'pong' }));
        if (this.confirmsRegistrations && last?.action === 'agent.register') {
          // The real cloud answers the agent id of the connection's credential.
          socket.send(JSON.stringify({ action: 'agent.registered', agentId: TEST_AGENT_ID, ...(this.watched ? { watched: this.watched } : {}) }));
        }
        if (this.acksBatches && last?.action === 'log.batch') {
          const batch = last as unknown as AgentLogBatch;
          const part = batch.part && batch.part.index < batch.part.count - 1 ? { part: batch.part.index } : {};
          socket.send(JSON.stringify({ action: 'log.ack', containerId: batch.containerId, seq: batch.lastSeq, ...part }));
        }
      });
      socket.on('close', (code) => {
        connection.closeCode = code;
      });
      this.connections.push(connection);
    });
  }

  /** `refuseWith`: answer the upgrade with this HTTP status instead of accepting it. */
  static async start(options: { port?: number; refuseWith?: number } = {}): Promise<TestCloud> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: options.port ?? 0,
      ...(options.refuseWith ? { verifyClient: (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, options.refuseWith) } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new TestCloud(server, (server.address() as AddressInfo).port);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/local`;
  }

  get last(): TestConnection {
    const connection = this.connections.at(-1);
    if (!connection) throw new Error('no connection yet');
    return connection;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening on it (just freed). */
export async function freePort(): Promise<number> {
  const cloud = await TestCloud.start();
  const { port } = cloud;
  await cloud.close();
  return port;
}
