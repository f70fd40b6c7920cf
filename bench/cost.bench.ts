/**
 * What Sidetail would cost on AWS, measured through the whole local stack: a container on the
 * private engine prints a known volume of realistic generated logs (realistic-logs.ts) while 1 or
 * 10 viewers watch; the real agent, the gateway emulator, the real handlers and dynalite carry it;
 * the meter counts what AWS bills at the boundaries (gateway messages in 32 KB units and connection
 * minutes, invocations and their duration, DynamoDB capacity as ReturnConsumedCapacity reports it,
 * S3 requests for large batches' bytes) and aws-prices.ts prices it. Per GB means per GB (10^9 bytes) of the lines' text, UTF-8, newlines
 * not counted. The window opens when the container starts printing — its viewers subscribed before
 * — and closes once every line reached every viewer and the last batch was acked. The container
 * prints its log as fast as Docker takes it (a burst: the agent reads faster than one viewer's
 * cloud takes batches, so a queue builds and batches fill), and once more at a steady ~1.3 MB/s
 * to one viewer (`_steady`: no queue; how full batches are is the batcher's window's doing).
 *
 * Then a watched container-hour: a container printing one line a second, watched by one viewer
 * for a minute (the agent's heartbeat and status report fall in it), scaled to an hour, plus the
 * dashboard's own pings (one every HEARTBEAT_MS) priced from one measured ping. A buffer's worth
 * of lines comes first, outside the window, 60 ms apart (a batch each, like the ticks), so the
 * minute is one of a container watched for long — its buffer full of one-line batches, trimmed as
 * it goes — not one of its first quarter-hour.
 *
 * Every line must reach every viewer exactly once; the bench fails otherwise.
 * Runs alone with `npm run bench -- cost`.
 */
import { LocalMeter, totalInvocations, totalMessages, type MeterReading } from '../infra/local/metering/local-meter';
import { DEFAULT_BUFFER_LINES } from '../protocol';
import { HEARTBEAT_MS } from '../web/src/api/viewer-connection';
import { priceReading } from './aws-prices';
import type { BenchRow } from './bench-table';
import { logContainer, pacedLogContainer, tickingContainer } from './log-container';
import { withPrivateDocker } from './private-docker';
import { generateLogs } from './realistic-logs';
import { sleep, startWholeStack, watchedByViewers, type WholeStack } from './whole-stack';

const MB = 1_000_000;
/** Viewers, and the text streamed to them (env overrides, e.g. for a quick run). */
const RUNS: readonly { viewers: number; bytes: number; steady?: true }[] = [
  { viewers: 1, bytes: Number(process.env.SIDETAIL_BENCH_COST_MB_1 ?? 50) * MB },
  { viewers: 10, bytes: Number(process.env.SIDETAIL_BENCH_COST_MB_10 ?? 20) * MB },
  // A service writing steadily, not a burst that Docker's log takes as fast as it can.
  { viewers: 1, bytes: Number(process.env.SIDETAIL_BENCH_COST_MB_STEADY ?? 20) * MB, steady: true },
];
/** The steady run's rate: 32 KB every 25 ms, about 1.3 MB/s (less what the shell's loop takes). */
const STEADY_CHUNK_BYTES = 32 * 1024;
const STEADY_PAUSE_US = 25_000;
const WATCH_WINDOW_MS = Number(process.env.SIDETAIL_BENCH_WATCH_SECONDS ?? 60) * 1000;
/** The goal, and what the alternatives charge (CloudWatch Logs ingestion; Live Tail per hour). */
const GOAL_USD_PER_GB = 0.05;
const CLOUDWATCH_LIVE_TAIL_USD_PER_HOUR = 0.01 * 60;
/** Time for the last batch's ack and the invocations still running to finish inside the window. */
const SETTLE_MS = 1_000;
const SEED = 9;

export async function benchCost(): Promise<BenchRow[]> {
  return withPrivateDocker(async (engine) => {
    const meter = new LocalMeter();
    const stack = await startWholeStack(engine, { agentId: 'bench-cost', meter });
    try {
      const rows: BenchRow[] = [];
      for (const run of RUNS) rows.push(await usdPerGb(stack, meter, run.viewers, run.bytes, run.steady ?? false));
      rows.push(await usdPerWatchedHour(stack, meter));
      return rows;
    } catch (error) {
      if (stack.agentProblems.length > 0) console.error(`the agent logged:\n  ${stack.agentProblems.slice(-20).join('\n  ')}`);
      throw error;
    } finally {
      await stack.stop();
    }
  });
}

async function usdPerGb(stack: WholeStack, meter: LocalMeter, viewerCount: number, bytes: number, steady: boolean): Promise<BenchRow> {
  const name = `usd_per_gb_${viewerCount}_viewer${viewerCount > 1 ? 's' : ''}${steady ? '_steady' : ''}`;
  const logs = generateLogs({ seed: SEED, targetBytes: bytes });
  const container = steady
    ? await pacedLogContainer(stack.engine, logs.output, `bench-cost-${viewerCount}-steady`, STEADY_CHUNK_BYTES, STEADY_PAUSE_US)
    : await logContainer(stack.engine, logs.output, `bench-cost-${viewerCount}`);
  try {
    const viewers = await watchedByViewers(stack, container, viewerCount, logs.lines);
    try {
      await sleep(500); // the subscribes' own work (history, stream start) ends before the window
      meter.reset();
      const startedAt = performance.now();
      await container.kill({ signal: 'SIGUSR1' });
      await Promise.all(viewers.map((viewer) => viewer.allArrived(600_000)));
      const streamedMs = Math.max(...viewers.map((viewer) => viewer.lastLineAt)) - startedAt;
      await sleep(SETTLE_MS);
      const reading = meter.read();
      for (const viewer of viewers) viewer.assertExactlyOnce();

      const gb = logs.textBytes / 1e9;
      const usd = priceReading(reading);
      console.log(`BENCH ${name} ${(usd.total / gb).toFixed(4)} usd/GB`);
      console.log(`BENCH ${name}_dynamodb ${(usd.dynamodb / gb).toFixed(4)} usd/GB`);
      console.log(`BENCH ${name}_apigw ${(usd.apigw / gb).toFixed(4)} usd/GB`);
      console.log(`BENCH ${name}_lambda ${(usd.lambda / gb).toFixed(4)} usd/GB`);
      console.log(`BENCH ${name}_s3 ${(usd.s3 / gb).toFixed(4)} usd/GB`);
      printCounts(name, reading, logs.textBytes / MB, 'mb');
      console.log(`BENCH ${name}_lines ${logs.lines} lines`);
      console.log(`BENCH ${name}_text_mb ${(logs.textBytes / MB).toFixed(1)} MB`);
      console.log(`BENCH ${name}_mb_per_s ${(logs.textBytes / MB / (streamedMs / 1000)).toFixed(2)} MB/s`);
      return { bench: `cost through the local stack, ${(logs.textBytes / MB).toFixed(0)} MB of realistic logs${steady ? ' written steadily' : ''}, ${viewerCount} viewer(s) (baseline: the goal)`, measure: 'usd per GB of log text', subject: usd.total / gb, baseline: GOAL_USD_PER_GB };
    } finally {
      await Promise.all(viewers.map((viewer) => viewer.close()));
    }
  } finally {
    await container.remove({ force: true });
  }
}

async function usdPerWatchedHour(stack: WholeStack, meter: LocalMeter): Promise<BenchRow> {
  const name = 'usd_per_watched_container_hour';
  const burst = Number(process.env.SIDETAIL_BENCH_WATCH_WARMUP_LINES ?? DEFAULT_BUFFER_LINES);
  const container = await tickingContainer(stack.engine, 'bench-cost-ticking', burst, 60_000);
  try {
    const [viewer] = await watchedByViewers(stack, container, 1, burst + Math.ceil(WATCH_WINDOW_MS / 1000) * 2 + 100);
    try {
      await container.kill({ signal: 'SIGUSR1' });
      await viewer!.waitUntil(() => viewer!.received >= burst, 180_000, () => `${viewer!.received} of the ${burst} warm-up lines arrived`);
      await sleep(1_500); // the burst's last batches and their acks
      meter.reset();
      const ticksBefore = viewer!.highestNumber;
      await sleep(WATCH_WINDOW_MS);
      const reading = meter.read();
      await sleep(SETTLE_MS);
      const ticks = viewer!.highestNumber;
      if (ticks - ticksBefore < (WATCH_WINDOW_MS / 1000) * 0.8) throw new Error(`only ${ticks - ticksBefore} of about ${WATCH_WINDOW_MS / 1000} lines reached the viewer in the window`);
      viewer!.assertExactlyOnce(ticks);

      // The dashboard pings every HEARTBEAT_MS (5 minutes): rarely inside a window, so priced apart.
      meter.reset();
      viewer!.send({ action: 'ping' });
      await viewer!.waitFor((m) => m.action === 'pong', 10_000, 'the pong');
      await sleep(200);
      const ping = priceReading(meter.read());
      const pingsPerHour = 3_600_000 / HEARTBEAT_MS;

      const scale = 3_600_000 / WATCH_WINDOW_MS;
      const usd = priceReading(reading);
      const perHour = usd.total * scale + ping.total * pingsPerHour;
      console.log(`BENCH ${name} ${perHour.toFixed(6)} usd/h`);
      console.log(`BENCH ${name}_dynamodb ${(usd.dynamodb * scale + ping.dynamodb * pingsPerHour).toFixed(6)} usd/h`);
      console.log(`BENCH ${name}_apigw ${(usd.apigw * scale + ping.apigw * pingsPerHour).toFixed(6)} usd/h`);
      console.log(`BENCH ${name}_lambda ${(usd.lambda * scale + ping.lambda * pingsPerHour).toFixed(6)} usd/h`);
      console.log(`BENCH ${name}_s3 ${(usd.s3 * scale + ping.s3 * pingsPerHour).toFixed(6)} usd/h`);
      console.log(`BENCH ${name}_apigw_connection_minutes ${(reading.connectionMinutes * scale).toFixed(1)} min/h`);
      console.log(`BENCH ${name}_viewer_pings ${(ping.total * pingsPerHour).toFixed(6)} usd/h`);
      printCounts(name, scaled(reading, scale), 1, 'hour');
      return { bench: `a container printing 1 line/s, watched by one viewer, ${WATCH_WINDOW_MS / 1000} s scaled to an hour (baseline: CloudWatch Live Tail)`, measure: 'usd per watched container-hour', subject: perHour, baseline: CLOUDWATCH_LIVE_TAIL_USD_PER_HOUR };
    } finally {
      await viewer!.close();
    }
  } finally {
    await container.remove({ force: true });
  }
}

/** The counts behind a price, per `per` (MB of text, or an hour). */
function printCounts(name: string, reading: MeterReading, per: number, unit: string): void {
  const messages = totalMessages(reading);
  const invocations = totalInvocations(reading);
  const agentIn = reading.messages.in.agent?.units ?? 0;
  const viewerOut = reading.messages.out.viewer?.units ?? 0;
  console.log(`BENCH ${name}_write_units_per_${unit} ${(reading.writeUnits / per).toFixed(2)} WRU`);
  console.log(`BENCH ${name}_read_units_per_${unit} ${(reading.readUnits / per).toFixed(2)} RRU`);
  console.log(`BENCH ${name}_message_units_per_${unit} ${(messages.units / per).toFixed(2)} units`);
  console.log(`BENCH ${name}_agent_message_units_in_per_${unit} ${(agentIn / per).toFixed(2)} units`);
  console.log(`BENCH ${name}_viewer_message_units_out_per_${unit} ${(viewerOut / per).toFixed(2)} units`);
  console.log(`BENCH ${name}_invocations_per_${unit} ${(invocations.count / per).toFixed(2)} invocations`);
  console.log(`BENCH ${name}_lambda_ms_per_${unit} ${(invocations.billedMs / per).toFixed(1)} ms`);
  for (const [route, counts] of Object.entries(reading.invocations)) {
    console.log(`BENCH ${name}_invocations_${route.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_/, '')}_per_${unit} ${(counts.count / per).toFixed(2)} invocations`);
  }
  for (const [operation, capacity] of Object.entries(reading.capacity)) {
    console.log(`BENCH ${name}_${operation}_units_per_${unit} ${(capacity.units / per).toFixed(2)} ${capacity.kind === 'read' ? 'RRU' : 'WRU'}`);
  }
  for (const [operation, count] of Object.entries(reading.objectRequests)) {
    console.log(`BENCH ${name}_s3_${operation}_per_${unit} ${(count / per).toFixed(2)} requests`);
  }
}

/** A reading with every count multiplied (a window scaled to an hour). */
function scaled(reading: MeterReading, factor: number): MeterReading {
  const scaleCounts = <T extends Record<string, number>>(counts: T): T => Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, key === 'kind' ? value : value * factor])) as T;
  return {
    messages: {
      in: Object.fromEntries(Object.entries(reading.messages.in).map(([role, counts]) => [role, scaleCounts({ ...counts! })])),
      out: Object.fromEntries(Object.entries(reading.messages.out).map(([role, counts]) => [role, scaleCounts({ ...counts! })])),
    },
    connectionMinutes: reading.connectionMinutes * factor,
    connections: reading.connections,
    invocations: Object.fromEntries(Object.entries(reading.invocations).map(([route, counts]) => [route, scaleCounts({ ...counts })])),
    readUnits: reading.readUnits * factor,
    writeUnits: reading.writeUnits * factor,
    capacity: Object.fromEntries(Object.entries(reading.capacity).map(([operation, c]) => [operation, { calls: c.calls * factor, units: c.units * factor, kind: c.kind }])),
    objectRequests: Object.fromEntries(Object.entries(reading.objectRequests).map(([operation, count]) => [operation, count * factor])),
  };
}
