/**
 * One container's sustained rate when every Lambda invocation takes a realistic round trip: the
 * local gateway delays each invocation by 50 ms (`invocationDelayMs`), so the agent's wait for
 * each batch's ack costs what it would on AWS. A container prints numbered realistic lines as fast
 * as it can to a viewer subscribed before it started; the rate is lines over the time from the
 * start signal to the last line's arrival. Every line must arrive exactly once.
 *
 * Runs alone with `npm run bench -- round-trip`.
 */
import type { BenchRow } from './bench-table';
import { logContainer } from './log-container';
import { withPrivateDocker } from './private-docker';
import { generateLogs } from './realistic-logs';
import { sleep, startWholeStack, watchedByViewers } from './whole-stack';

const DELAY_MS = 50;
const LINES = Number(process.env.SIDETAIL_BENCH_ROUND_TRIP_LINES ?? 50_000);

export async function benchRoundTrip(): Promise<BenchRow[]> {
  return withPrivateDocker(async (engine) => {
    const stack = await startWholeStack(engine, { agentId: 'bench-round-trip', gateway: { invocationDelayMs: DELAY_MS } });
    try {
      const logs = generateLogs({ seed: 33, lines: LINES });
      const container = await logContainer(engine, logs.output, 'bench-round-trip');
      try {
        const [viewer] = await watchedByViewers(stack, container, 1, logs.lines);
        try {
          await sleep(500);
          const startedAt = performance.now();
          await container.kill({ signal: 'SIGUSR1' });
          await viewer!.allArrived(600_000);
          const seconds = (viewer!.lastLineAt - startedAt) / 1000;
          viewer!.assertExactlyOnce();

          const rate = LINES / seconds;
          console.log(`BENCH container_lines_per_s_at_${DELAY_MS}ms ${Math.round(rate)} lines/s`);
          console.log(`BENCH container_mb_per_s_at_${DELAY_MS}ms ${(logs.textBytes / 1e6 / seconds).toFixed(2)} MB/s`);
          // Baseline: one 500-line batch per round trip, the ceiling the issue names for today's protocol.
          return [{ bench: `one container, ${LINES.toLocaleString('en-US')} realistic lines, ${DELAY_MS} ms per invocation (baseline: 500 lines per ${DELAY_MS} ms)`, measure: 'lines/s', subject: rate, baseline: 500 / (DELAY_MS / 1000) }];
        } finally {
          await viewer!.close();
        }
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      await stack.stop();
    }
  });
}
