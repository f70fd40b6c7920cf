/**
 * Counting a catch-up's skipped span on the run's private dockerd: Docker's `since`/`until` are
 * both inclusive, the read is streamed (not buffered whole, as dockerode does for non-follow
 * reads), and a budget too short for the span gives a lower bound instead of holding lines back.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { DockerContainerSource } from '../../../agent/docker/docker-container-source';
import { dockerFromHost } from '../../../agent/docker/docker-client';
import { FrameDemuxer } from '../../../agent/docker/frame-demuxer';
import { countSkippedLines } from '../../../agent/docker/skipped-line-count';
import { LineFramer } from '../../../agent/pipeline/line-framer';

const LINES = 200_000;

async function dockerLines(container: Dockerode.Container): Promise<{ ts: string; text: string }[]> {
  const bytes = (await container.logs({ follow: false, stdout: true, stderr: true, timestamps: true })) as unknown as Buffer;
  const lines: { ts: string; text: string }[] = [];
  const framer = new LineFramer({ mode: 'multiplexed', onLine: (line) => lines.push({ ts: line.ts, text: line.text }) });
  const demuxer = new FrameDemuxer('multiplexed', { piece: (p) => framer.push(p.stream, p.payload, p.frameEnd), systemError: () => {} });
  demuxer.push(bytes);
  demuxer.end();
  framer.end();
  return lines;
}

describe('countSkippedLines on a real Docker engine', () => {
  let docker: Dockerode;
  let container: Dockerode.Container;
  let source: DockerContainerSource;
  let held: { ts: string; text: string }[];

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    source = new DockerContainerSource(docker);
    container = await docker.createContainer({
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', `seq 1 ${LINES}; exec sleep 3600`],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    for (;;) {
      held = await dockerLines(container);
      if (held.length === LINES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    await container?.remove({ force: true });
  });

  it('counts exactly the lines between the resume point and the window (both of Docker\'s bounds inclusive)', async () => {
    // Resuming after "1"; the window starts at "150001".
    const window = held.slice(150_000);

    const count = await countSkippedLines({
      source,
      containerId: container.id,
      resume: { ts: held[0]!.ts, textsAtTs: [held[0]!.text] },
      last: window[0]!,
      after: () => window.slice(1),
      budgetMs: 60_000,
    });

    expect(count).toEqual({ before: 149_999, exact: true, first: held[1]!.ts });
  }, 90_000);

  it('gives a lower bound, promptly, when the budget is too short for the span', async () => {
    const window = held.slice(LINES - 10);
    const startedAt = Date.now();

    const count = await countSkippedLines({
      source,
      containerId: container.id,
      resume: { ts: held[0]!.ts, textsAtTs: [held[0]!.text] },
      last: window[0]!,
      after: () => window.slice(1),
      budgetMs: 50,
    });

    expect(count.exact).toBe(false);
    expect(count.before).toBeLessThan(LINES - 11);
    if (count.before > 0) expect(count.first).toBe(held[1]!.ts);
    // Generous: the budget, plus a loaded machine's scheduling.
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
