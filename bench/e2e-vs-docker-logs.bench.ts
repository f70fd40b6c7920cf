/**
 * How long a burst takes to reach a viewer through the whole local stack, against Docker's own
 * client on the same container in the same run: a container prints 200,000 numbered realistic
 * lines as fast as it can (`cat` of a prepared file); a viewer subscribed before it started, and
 * `docker logs -t -f` follows it from before it started too. Both clocks start at the signal that
 * starts the printing; the viewer's stops at the last line's arrival, Docker's when `docker logs
 * -f` has written everything and exits (the container exits after its last line).
 * e2e_vs_docker_logs = docker time / e2e time (goal ≥ 0.5). Every line must arrive exactly once.
 *
 * Runs alone with `npm run bench -- e2e`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { BenchRow } from './bench-table';
import { logContainer } from './log-container';
import { withPrivateDocker } from './private-docker';
import { generateLogs } from './realistic-logs';
import { sleep, startWholeStack, watchedByViewers } from './whole-stack';

const LINES = Number(process.env.SIDETAIL_BENCH_E2E_LINES ?? 200_000);

export async function benchE2eVsDockerLogs(): Promise<BenchRow[]> {
  return withPrivateDocker(async (engine) => {
    const stack = await startWholeStack(engine, { agentId: 'bench-e2e' });
    try {
      const logs = generateLogs({ seed: 21, lines: LINES });
      const container = await logContainer(engine, logs.output, 'bench-e2e');
      try {
        const [viewer] = await watchedByViewers(stack, container, 1, logs.lines);
        try {
          const follow = dockerLogsFollow(engine.dockerHost, container.id);
          await sleep(1_000); // `docker logs -f` is following (it printed "ready" to /dev/null by now)
          const startedAt = performance.now();
          await container.kill({ signal: 'SIGUSR1' });
          const [dockerEndedAt] = await Promise.all([follow, viewer!.allArrived(600_000)]);
          const e2eMs = viewer!.lastLineAt - startedAt;
          const dockerMs = dockerEndedAt - startedAt;
          viewer!.assertExactlyOnce();

          console.log(`BENCH e2e_vs_docker_logs ${(dockerMs / e2eMs).toFixed(3)} x`);
          console.log(`BENCH e2e_${LINES}_lines_ms ${Math.round(e2eMs)} ms`);
          console.log(`BENCH e2e_docker_logs_follow_${LINES}_lines_ms ${Math.round(dockerMs)} ms`);
          console.log(`BENCH e2e_lines_per_s ${Math.round(LINES / (e2eMs / 1000))} lines/s`);
          return [{ bench: `a burst of ${LINES.toLocaleString('en-US')} realistic lines: the whole local stack vs docker logs -t -f`, measure: 'lines/s to the last line', subject: LINES / (e2eMs / 1000), baseline: LINES / (dockerMs / 1000) }];
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

/** `docker logs -t -f` on the container, output to /dev/null; resolves with performance.now() when it exits. */
function dockerLogsFollow(dockerHost: string, containerId: string): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  try {
    const child = spawn('docker', ['logs', '-t', '-f', containerId], {
      stdio: ['ignore', devNull, devNull],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: dockerHost },
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(performance.now()) : reject(new Error(`docker logs -f exited ${code}`))));
    });
  } finally {
    closeSync(devNull);
  }
}
