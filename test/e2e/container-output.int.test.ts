/**
 * Every kind of output a container writes reaches a viewer, counted line by line: a TTY's raw
 * stream, a 1 MB line, a 10,000-line burst, stdout and stderr interleaved, and a container
 * restarted while it is followed. On real parts: the run's private dockerd, the real agent, the
 * local cloud (gateway emulator, real handlers, dynalite) and a viewer.
 *
 * Each container says "ready" and waits for SIGUSR1, sent once "ready" reached the viewer (the
 * stream is live), so that what it writes next is all followed live, not read back from a tail.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { MAX_LINE_BYTES } from '../../protocol';
import { ViewerClient } from '../support/viewer-client';
import { dockerLogTexts } from '../support/docker-log-texts';
import { expectEveryLineOnceOrMarked, linesOf, listedRunning, uniqueBySeq } from './counted-lines';

const AGENT_ID = 'output-host';
const MB = 1024 * 1024;

const READY = `
trap 'go=1' USR1
echo ready
while [ -z "$go" ]; do usleep 20000; done
`;

const numbered = (prefix: string, count: number, from = 1) => Array.from({ length: count }, (_, i) => `${prefix} ${from + i}`);

describe('what a container writes, as a viewer receives it', () => {
  let docker: Dockerode;
  let cloud: LocalCloud;
  let agent: Agent;
  const viewers: ViewerClient[] = [];
  const containers: Dockerode.Container[] = [];

  beforeAll(async () => {
    docker = dockerFromHost(inject('dockerHost'));
    cloud = await startLocalCloud({ gatewayPort: 0, agentId: AGENT_ID });
    agent = createAgent({
      url: cloud.wsUrl,
      token: cloud.agentToken,
      hostName: 'output-host.test',
      docker,
      logger: { info: () => {}, warn: (m) => console.warn(`[agent] ${m}`), error: (m) => console.error(`[agent] ${m}`) },
    });
    agent.start();
  });

  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.close()));
    await agent?.stop();
    await cloud?.stop();
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => {})));
  });

  /** A running container of `script`, watched by a new viewer; resolves once its first line ("ready", or `firstLine`) reached the viewer. */
  async function watched(script: string, options: { tty?: boolean; firstLine?: string } = {}) {
    const container = await docker.createContainer({
      Image: inject('busyboxImage'),
      Cmd: ['sh', '-c', script],
      Tty: options.tty ?? false,
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(container);
    await container.start();
    const viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewers.push(viewer);
    viewer.send({ action: 'inventory.get' });
    await viewer.waitFor(listedRunning(AGENT_ID, container.id));
    viewer.send({ action: 'log.subscribe', agentId: AGENT_ID, containerId: container.id });
    const first = options.firstLine ?? 'ready';
    await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === first), 'the stream is live');
    return { container, viewer };
  }

  /** Starts the container's output, waits for it to exit, and for `count` lines at the viewer. */
  async function runToEnd(container: Dockerode.Container, viewer: ViewerClient, count: number, timeoutMs = 30_000) {
    await container.kill({ signal: 'SIGUSR1' });
    await container.wait();
    await viewer.waitUntil(() => uniqueBySeq(linesOf(viewer, container.id)).length >= count, `${count} lines reach the viewer`, timeoutMs);
    // Anything still on its way (a repeat, a line too many) would arrive now.
    await new Promise((r) => setTimeout(r, 300));
    return uniqueBySeq(linesOf(viewer, container.id));
  }

  it('a TTY container: its raw stream, lone carriage returns kept, "\\r\\n" without the "\\r", a 1 MB line kept to 256 KB with its original size', async () => {
    const { container, viewer } = await watched(
      `${READY}
i=1; while [ $i -le 2000 ]; do echo "tty $i"; i=$((i+1)); done
printf 'progress 10%%\\rprogress 20%%\\n'
head -c ${MB} /dev/zero | tr '\\0' y; echo
echo done`,
      { tty: true },
    );

    const lines = await runToEnd(container, viewer, 2004, 60_000);

    expectEveryLineOnceOrMarked(lines, ['ready', ...numbered('tty', 2000), 'progress 10%\rprogress 20%', 'y'.repeat(MAX_LINE_BYTES), 'done']);
    expect(lines.every((l) => l.stream === 'stdout')).toBe(true);
    expect(lines.filter((l) => l.truncated).map((l) => [l.text.length, l.originalBytes])).toEqual([[MAX_LINE_BYTES, MB]]);
  }, 90_000);

  it('a 1 MB line: one line as Docker stores it, cut at 256 KB on a character boundary, flagged truncated with its original size, the lines around it whole', async () => {
    // "a" and then 1 MB of a two-byte character: 256 KB falls inside a character.
    const { container, viewer } = await watched(`${READY}
echo before
s=é; i=0; while [ $i -lt 19 ]; do s=$s$s; i=$((i+1)); done; printf 'a%s\\n' "$s"
echo after`);

    const lines = await runToEnd(container, viewer, 4, 60_000);

    // Docker's json-file driver stores each 16 KB piece as a JSON string, so the halves of a
    // character its copier cut at a piece boundary come back as one U+FFFD each: the line as
    // Docker gives it, then cut at the cap on a character boundary.
    const written = Buffer.from(`a${'é'.repeat(2 ** 19)}`);
    let asDocker = '';
    for (let at = 0; at < written.length; at += 16 * 1024) asDocker += written.subarray(at, at + 16 * 1024).toString('utf8');
    let long = '';
    let longBytes = 0;
    for (const character of asDocker) {
      const bytes = Buffer.byteLength(character);
      if (longBytes + bytes > MAX_LINE_BYTES) break;
      long += character;
      longBytes += bytes;
    }
    expectEveryLineOnceOrMarked(lines, ['ready', 'before', long, 'after']);
    expect(lines[2]).toMatchObject({ truncated: true, originalBytes: Buffer.byteLength(asDocker) });
    expect(Buffer.byteLength(lines[2]!.text)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(lines.filter((l) => l.truncated)).toHaveLength(1);
  }, 90_000);

  it('a burst of 10,000 lines written as fast as the shell can: every one once, in order', async () => {
    const { container, viewer } = await watched(`${READY}
i=1; while [ $i -le 10000 ]; do echo "burst $i"; i=$((i+1)); done`);

    const lines = await runToEnd(container, viewer, 10_001, 60_000);

    expectEveryLineOnceOrMarked(lines, ['ready', ...numbered('burst', 10_000)]);
  }, 90_000);

  it('stdout and stderr interleaved line by line: every line once, each stream in its order, on its stream', async () => {
    const { container, viewer } = await watched(`${READY}
i=1; while [ $i -le 3000 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done`);

    const lines = await runToEnd(container, viewer, 6001, 60_000);

    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['ready', ...numbered('out', 3000)]);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(numbered('err', 3000));
  }, 90_000);

  it('a container restarted while followed: the numbering goes on, and every line Docker holds arrives once, in order', async () => {
    // Counts its boots and its lines in files that survive the restart, so the numbers go on.
    const { container, viewer } = await watched(`
b=$(( $(cat /boots 2>/dev/null || echo 0) + 1 )); echo $b > /boots
echo "boot $b"
if [ $b -eq 1 ]; then ${READY.trim().replace(/\n/g, '; ')}; fi
n=$(cat /n 2>/dev/null || echo 0)
while true; do n=$((n+1)); echo $n > /n; echo "line $n"; usleep 2000; done`, { firstLine: 'ready' });

    await container.kill({ signal: 'SIGUSR1' });
    await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'line 300'), 'lines before the restart');
    await container.restart({ t: 0 });
    await viewer.waitUntil(() => linesOf(viewer, container.id).some((l) => l.text === 'boot 2'), 'the restart', 30_000);
    const afterBoot = () => linesOf(viewer, container.id).filter((l) => /^line /.test(l.text)).length;
    const seenAtBoot = afterBoot();
    await viewer.waitUntil(() => afterBoot() >= seenAtBoot + 300, 'lines after the restart', 30_000);
    await container.kill();
    await container.wait();

    // What Docker holds is the truth: the viewer must have exactly that, once each, in order.
    const written = await dockerLogTexts(container);
    expect(written.filter((t) => t.startsWith('boot '))).toEqual(['boot 1', 'boot 2']);
    await viewer.waitUntil(() => uniqueBySeq(linesOf(viewer, container.id)).length >= written.length, `all ${written.length} lines Docker holds`, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expectEveryLineOnceOrMarked(uniqueBySeq(linesOf(viewer, container.id)), written);
  }, 120_000);
});
