/**
 * The cloud's hot path without AWS: the `log.batch` handler (decode → load caller → ingestBatch:
 * inflate and check the packed lines, store the bytes, broadcast to each subscriber, ack) over
 * in-memory ports, fed the agent pipeline's own batches. Baseline: the least any cloud must do per
 * batch — validate the agent's message (`decode(AgentToCloud, body)`) and serialize the broadcast
 * once; the handler's extra is mostly the bounded inflate and the check of the lines.
 */
import { identityContext } from '../lambdas/handlers/identity-context';
import { handleMessage } from '../lambdas/handlers/message-handler';
import type { WebSocketEvent } from '../lambdas/handlers/websocket-event';
import { AgentToCloud, decode, encode } from '../protocol';
import { runAgentPipeline } from './agent-pipeline-run';
import type { BenchRow } from './bench-table';
import { chunked, generateDockerLog } from './docker-log-bytes';
import { AGENT_CONNECTION_ID, AGENT_ID, benchCloud } from './in-memory-cloud-deps';
import { medianTimes } from './interleaved-timing';

/** Enough lines for ~100 full batches, a few of them carrying 16 KB lines. */
const SOURCE_LINES = 50_000;
/** Passes over the batches per timed run, so a run lasts long enough to time well. */
const PASSES = 3;
const WARMUPS = 3;
const RUNS = 5;
/** One dashboard watching, and a team of them: the handler serializes the broadcast per viewer. */
const VIEWER_COUNTS = [1, 10];

/** A batch the handler rejected would make the figures describe error handling instead. */
export class IngestBenchError extends Error {
  override readonly name = 'IngestBenchError';
}

export async function benchIngestBatch(): Promise<BenchRow[]> {
  const bodies = await agentBatchBodies();
  const events = bodies.map(messageEvent);
  const lineCount = bodies.reduce((sum, body) => {
    const { firstSeq, lastSeq } = JSON.parse(body) as { firstSeq: number; lastSeq: number };
    return sum + lastSeq - firstSeq + 1;
  }, 0);
  const rows: BenchRow[] = [];
  for (const viewers of VIEWER_COUNTS) {
    const cloud = benchCloud(viewers);
    const resolveDeps = () => cloud.deps;
    const ms = await medianTimes(
      [
        {
          name: 'handler',
          run: async () => {
            for (let pass = 0; pass < PASSES; pass++) {
              for (const event of events) {
                const result = await handleMessage('log.batch', event, resolveDeps);
                if (result.statusCode !== 200 || cloud.problems.length > 0) {
                  throw new IngestBenchError(`log.batch failed (${result.statusCode}): ${cloud.problems.join(' | ')}`);
                }
              }
            }
          },
        },
        { name: 'baseline', run: () => decodeAndEncodeOnce(bodies) },
      ],
      { warmups: WARMUPS, runs: RUNS },
    );
    const bench = `log.batch handler, ${bodies.length} batches × ${PASSES} (${lineCount.toLocaleString('en-US')} lines), ${viewers} viewer${viewers > 1 ? 's' : ''}`;
    const perSecond = (name: string, units: number) => (units * PASSES) / (ms.get(name)! / 1000);
    rows.push(
      { bench, measure: 'batches/s', subject: perSecond('handler', bodies.length), baseline: perSecond('baseline', bodies.length) },
      { bench, measure: 'lines/s', subject: perSecond('handler', lineCount), baseline: perSecond('baseline', lineCount) },
    );
  }
  return rows;
}

function decodeAndEncodeOnce(bodies: readonly string[]): number {
  let chars = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    for (const body of bodies) {
      const decoded = decode(AgentToCloud, body);
      if (!decoded.ok || decoded.value.action !== 'log.batch') throw new IngestBenchError(`baseline could not decode a batch: ${body.slice(0, 80)}`);
      const { action: _action, ...batch } = decoded.value;
      chars += encode({ action: 'log.batch', agentId: AGENT_ID, ...batch }).length;
    }
  }
  return chars;
}

/** The `log.batch` messages the agent pipeline produces for a realistic log. */
async function agentBatchBodies(): Promise<string[]> {
  const log = generateDockerLog({ lines: SOURCE_LINES, seed: 11 });
  const bodies: string[] = [];
  await runAgentPipeline(log, chunked(log.bytes), (json) => bodies.push(json));
  return bodies;
}

function messageEvent(body: string, i: number): WebSocketEvent {
  return {
    requestContext: {
      routeKey: 'log.batch',
      eventType: 'MESSAGE',
      connectionId: AGENT_CONNECTION_ID,
      domainName: 'bench.invalid',
      stage: 'bench',
      apiId: 'bench',
      connectedAt: 0,
      requestId: `request-${i}`,
      extendedRequestId: `request-${i}`,
      requestTimeEpoch: 0,
      requestTime: '25/Nov/2026:12:00:00 +0000',
      messageDirection: 'IN',
      identity: { sourceIp: '127.0.0.1' },
      // As API Gateway hands on the $connect authorizer's answer: the agent the credential proved.
      authorizer: { principalId: 'bench-credential', ...identityContext({ credentialId: 'bench-credential', role: 'agent', agentId: AGENT_ID }) },
    },
    body,
    isBase64Encoded: false,
  };
}
