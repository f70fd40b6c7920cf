/**
 * Fan-out through the local stand-in for AWS: the local gateway, dynalite and the real handlers,
 * with every PostToConnection held 20 ms (about what one takes on AWS). One agent streams a
 * container that 1, then 100, then 500 viewers watch; for each batch the figure is the time from
 * the agent's send (its arrival at the gateway, on loopback) to its receipt by the LAST viewer.
 * Baseline: the 20 ms one post costs — the least any fan-out, however wide, can take.
 * Prints `BENCH fanout_<n>_ms <median> ms` lines as well as table rows.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud';
import { createDocumentClient } from '../lambdas/adapters/document-client';
import { silentLogger } from '../infra/local/logger';
import type { LogLine } from '../protocol';
import { compressLines } from '../protocol/packed-zlib';
import type { BenchRow } from './bench-table';
import { TimedSocket } from './timed-socket';

const POST_DELAY_MS = 20;
const VIEWER_COUNTS = [1, 100, 500];
/** Batches timed per viewer count (after one warm-up batch); the median is kept. */
const RUNS = 7;
const LINES_PER_BATCH = 20;
/** Viewers joining at once while the audience grows (each join is a $connect and a subscribe). */
const JOIN_CONCURRENCY = 20;
const CONTAINER_ID = 'c1';

export class FanoutBenchError extends Error {
  override readonly name = 'FanoutBenchError';
}

export async function benchFanout(): Promise<BenchRow[]> {
  const cloud = await startLocalCloud({ gateway: { postToConnectionDelayMs: POST_DELAY_MS }, logger: silentLogger });
  const { agentId } = cloud;
  const sockets: TimedSocket[] = [];
  try {
    const agent = await TimedSocket.open(`${cloud.wsUrl}?role=agent&token=${encodeURIComponent(cloud.agentToken)}`);
    sockets.push(agent);
    const registered = agent.next((m) => m.action === 'agent.registered');
    const started = agent.next((m) => m.action === 'log.stream.start');
    agent.send({
      action: 'agent.register',
      hostName: 'bench-host.local',
      agentVersion: 'bench',
      containers: [{ id: CONTAINER_ID, name: 'bench', image: 'bench', state: 'running', status: 'Up', createdAt: 1, tty: false }],
    });
    await registered;

    const viewers: TimedSocket[] = [];
    const medians = new Map<number, number>();
    let seq = 0;
    let epoch: number | undefined;
    for (const count of VIEWER_COUNTS) {
      await join(cloud.wsUrl, cloud.viewerToken, agentId, count - viewers.length, viewers, sockets);
      epoch ??= Number((await started).message.epoch);
      const samples: number[] = [];
      for (let run = 0; run <= RUNS; run++) {
        const lines = Array.from({ length: LINES_PER_BATCH }, () => line(++seq));
        const lastSeq = seq;
        const isIt = (m: Record<string, unknown>) => m.action === 'log.batch' && lastOf(m) === lastSeq;
        const receipts = Promise.all(viewers.map((viewer) => viewer.next(isIt)));
        const acked = agent.next((m) => m.action === 'log.ack' && m.seq === lastSeq);
        const sentAt = performance.now();
        agent.send({ action: 'log.batch', containerId: CONTAINER_ID, epoch, ...compressLines(lines) });
        const last = Math.max(...(await receipts).map((r) => r.at));
        await acked;
        if (run > 0) samples.push(last - sentAt);
      }
      medians.set(count, median(samples));
    }

    const bench = `fan-out of one batch via the local gateway (dynalite, real handlers, ${POST_DELAY_MS} ms per post)`;
    for (const [count, ms] of medians) console.log(`BENCH fanout_${count}_ms ${ms.toFixed(1)} ms`);
    return [...medians].map(([count, ms]) => ({ bench, measure: `ms to the last of ${count} viewer${count > 1 ? 's' : ''}`, subject: ms, baseline: POST_DELAY_MS }));
  } finally {
    for (const socket of sockets) socket.close();
    await disconnectsHandled(cloud);
    await cloud.stop();
  }
}

/**
 * Waits (up to a minute) until every connection record is gone: 500 `$disconnect` clean-ups at
 * once keep a single dynalite busy for a while, and stopping it under them makes them fail.
 */
async function disconnectsHandled(cloud: LocalCloud): Promise<void> {
  const client = createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region });
  try {
    const connectionRecords = async (): Promise<number> => {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: cloud.store.tableName,
            Select: 'COUNT',
            FilterExpression: 'sk = :meta AND begins_with(pk, :conn)',
            ExpressionAttributeValues: { ':meta': 'META', ':conn': 'CONN#' },
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    };
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      if ((await connectionRecords()) === 0) return;
    }
  } finally {
    client.destroy();
  }
}

/** Connects `more` viewers and subscribes each to the container, a few at a time. */
async function join(wsUrl: string, token: string, agentId: string, more: number, viewers: TimedSocket[], sockets: TimedSocket[]): Promise<void> {
  let left = more;
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      const viewer = await TimedSocket.open(`${wsUrl}?role=viewer&token=${encodeURIComponent(token)}`);
      sockets.push(viewer);
      const history = viewer.next((m) => m.action === 'log.history' && m.done === true);
      viewer.send({ action: 'log.subscribe', agentId, containerId: CONTAINER_ID });
      const answer = await Promise.race([history, viewer.next((m) => m.action === 'error')]);
      if (answer.message.action === 'error') throw new FanoutBenchError(`a viewer could not subscribe: ${JSON.stringify(answer.message)}`);
      viewers.push(viewer);
    }
  };
  await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, worker));
}

function line(seq: number): LogLine {
  return { seq, ts: new Date(Date.parse('2026-11-25T12:00:00Z') + seq).toISOString(), stream: 'stdout', text: `GET /items/${seq} 200 ${'x'.repeat(80)}` };
}

function lastOf(message: Record<string, unknown>): number | undefined {
  return typeof message.lastSeq === 'number' ? message.lastSeq : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
