/**
 * The dashboard's own session logic (web/src/session, stores, viewer connection) against the local
 * cloud: real gateway, real handlers, dynalite. A live broadcast that never reaches the dashboard
 * (a post that failed past the cloud's retries — here the dashboard's socket drops it) leaves a
 * gap, which the dashboard closes by itself with log.fetch from the buffer; a lost LAST batch
 * before the stream goes quiet is found by the tail check; and a container whose numbering
 * restarts in a new epoch replaces the held lines behind a restart marker. Defined once and run
 * in each gateway mode, one mode per test file (the handlers keep one configuration per process).
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { silentLogger } from '../../infra/local/logger';
import type { LogLine } from '../../protocol';
import type { SocketFactory } from '../../web/src/api/socket';
import { createSession, type Session } from '../../web/src/session/create-session';
import type { LogRow } from '../../web/src/state/line-buffer';
import type { GatewayMode } from './log-path-spec';
import { agentBatch } from '../support/packed-batches';

/** Short, so the spec need not sit through 10 s of quiet; long enough not to beat the gap fetch. */
const TAIL_CHECK_FIRST_MS = 1_000;

const CONTAINER = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const line = (seq: number, text = `line ${seq}`): LogLine => ({ seq, ts: `2026-11-25T12:00:${String(seq).padStart(2, '0')}.000000000Z`, stream: 'stdout', text });

/** A raw agent connection: sends what it is told, hands back what it receives. */
class RawAgent {
  private readonly received: Record<string, unknown>[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  }
  static async open(url: string): Promise<RawAgent> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new RawAgent(ws);
  }
  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }
  async next(action: string, match: (m: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    return vi.waitFor(() => {
      const index = this.received.findIndex((m) => m.action === action && match(m));
      if (index < 0) throw new Error(`no ${action} yet`);
      return this.received.splice(index, 1)[0]!;
    }, { timeout: 10_000, interval: 10 });
  }
  close(): void {
    this.ws.close();
  }
}

/** The browser socket, on `ws`; `drop` decides which received frames never arrive; `sent` records what goes out. */
function nodeSockets(drop: (data: string) => boolean, sent: Record<string, unknown>[]): SocketFactory {
  return (url, handlers) => {
    const ws = new WebSocket(url);
    ws.on('open', () => handlers.onOpen());
    ws.on('message', (data) => {
      const text = data.toString();
      if (!drop(text)) handlers.onMessage(text);
    });
    ws.on('close', (code, reason) => handlers.onClose(code, reason.toString()));
    return {
      send: (text) => {
        sent.push(JSON.parse(text) as Record<string, unknown>);
        ws.send(text);
      },
      close: (code, reason) => ws.close(code, reason),
    };
  };
}

/** Rows as short strings: "3" for line seq 3, "gap 3-4 fetching", "restart". */
function shape(rows: readonly LogRow[]): string[] {
  return rows.map((row) => (row.kind === 'line' ? String(row.seq) : row.kind === 'gap' ? `gap ${row.fromSeq}-${row.toSeq} ${row.state}` : 'restart'));
}

export function describeDashboardGaps(mode: GatewayMode): void {
  const seed = mode.gateway?.chaos?.seed;
  describe(`the dashboard against the local cloud (${mode.name}${seed === undefined ? '' : `, seed ${seed}`})`, () => {
    let cloud: LocalCloud;
    let agent: RawAgent;
    let session: Session;
    let epoch: number;
    const dropped = new Set<number>();
    const sent: Record<string, unknown>[] = [];

    beforeAll(async () => {
      cloud = await startLocalCloud({ logger: silentLogger, ...(mode.gateway ? { gateway: mode.gateway } : {}) });
      agent = await RawAgent.open(`${cloud.wsUrl}?role=agent&token=${encodeURIComponent(cloud.agentToken)}`);
      agent.send({ action: 'agent.register', hostName: 'box', agentVersion: 'test', containers: [CONTAINER] });
      await agent.next('agent.registered');
    });

    afterAll(async () => {
      session?.close();
      agent?.close();
      await cloud?.stop();
    });

    const ref = () => ({ agentId: cloud.agentId, containerId: CONTAINER.id });
    const rows = () => shape(session.logs.view(ref()).rows);

    /** Sends a batch of the stream and waits for its ack. */
    async function batch(epoch: number, lines: LogLine[]): Promise<void> {
      const lastSeq = lines[lines.length - 1]!.seq;
      agent.send(agentBatch(CONTAINER.id, epoch, lines));
      await agent.next('log.ack', (m) => m.seq === lastSeq);
    }

    it('closes a gap left by a lost broadcast with the lines from the buffer, by itself', async () => {
      session = createSession({
        url: `${cloud.wsUrl}?role=viewer&token=${encodeURIComponent(cloud.viewerToken)}`,
        // The broadcast of the batch ending at a seq in `dropped` never reaches the dashboard.
        openSocket: nodeSockets((text) => {
          const message = JSON.parse(text) as { action: string; lastSeq?: number };
          return message.action === 'log.batch' && dropped.has(message.lastSeq!);
        }, sent),
        tailCheck: { firstMs: TAIL_CHECK_FIRST_MS },
      });
      session.select(ref());
      ({ epoch } = (await agent.next('log.stream.start')) as { epoch: number });
      await vi.waitFor(() => expect(session.logs.view(ref()).loadingHistory).toBe(false), { timeout: 10_000 });

      await batch(epoch, [line(1), line(2)]);
      dropped.add(4);
      await batch(epoch, [line(3), line(4)]);
      await batch(epoch, [line(5), line(6)]);

      await vi.waitFor(() => expect(rows()).toEqual(['1', '2', '3', '4', '5', '6']), { timeout: 10_000, interval: 20 });
    });

    it('finds the last batch before the stream went quiet, lost on its way, with the tail check, and shows it', async () => {
      dropped.add(8);
      await batch(epoch, [line(7), line(8)]);

      // Nothing follows the lost batch: only the tail check can learn of lines 7 and 8.
      await vi.waitFor(() => expect(rows()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']), { timeout: 10_000, interval: 20 });
      expect(sent).toContainEqual(expect.objectContaining({ action: 'log.fetch', containerId: CONTAINER.id, epoch, afterSeq: 6 }));
    });

    it('drops the held lines behind a restart marker when the numbering restarts in a newer epoch', async () => {
      const renumbered = Date.now();

      await batch(renumbered, [line(1, 'after the restart')]);

      await vi.waitFor(() => expect(rows()).toEqual(['restart', '1']), { timeout: 10_000, interval: 20 });
      expect(session.logs.epoch(ref())).toBe(renumbered);
    });
  });
}
