/**
 * The agent's Docker side against a real engine (the run's private dockerd, see
 * test/support/global-docker.ts): real multiplexed and TTY streams, Docker's own 16 KB pieces,
 * its inclusive `since`, its events — and the whole agent talking to a real ws server.
 */
import type Docker from 'dockerode';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createAgent, type Agent } from '../../agent/agent';
import type { IncomingMessage } from 'node:http';
import type { ContainerSource, FollowOptions, LogFollow } from '../../agent/docker/container-source';
import { DockerContainerSource } from '../../agent/docker/docker-container-source';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { LogFollower } from '../../agent/docker/log-follower';
import { MAX_BATCH_BYTES, MAX_LINE_BYTES } from '../../protocol';
import { RecordingLogger } from './support/recording-logger';
import { RecordingSink } from './support/recording-sink';
import { TestCloud } from './support/test-cloud';

describe('the agent on a real Docker engine', () => {
  const docker = dockerFromHost(inject('dockerHost'));
  const image = inject('busyboxImage');
  const source = new DockerContainerSource(docker);
  const containers: Docker.Container[] = [];
  const followers: LogFollower[] = [];
  let cloud: TestCloud | undefined;
  let agent: Agent | undefined;

  afterEach(async () => {
    for (const follower of followers.splice(0)) follower.stop();
    await agent?.stop();
    await cloud?.close();
    agent = undefined;
    cloud = undefined;
    await Promise.all(containers.splice(0).map((container) => container.remove({ force: true })));
  });

  async function run(script: string, options: { tty?: boolean; start?: boolean } = {}): Promise<Docker.Container> {
    const container = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', script], Tty: options.tty ?? false });
    containers.push(container);
    if (options.start ?? true) await container.start();
    return container;
  }

  function follow(containerId: string, sink: RecordingSink, logger = new RecordingLogger()): LogFollower {
    const follower = new LogFollower({ containerId, source, sink, logger, request: { tail: 1000, epoch: 1 }, batchDelayMs: 5, recheckDelayMs: 60_000 });
    followers.push(follower);
    follower.start();
    return follower;
  }

  it('lists containers with their names and TTY setting', async () => {
    const plain = await run('true', { start: false });
    const tty = await run('true', { tty: true, start: false });
    await plain.rename({ name: `plain-${plain.id.slice(0, 6)}` });

    const listed = await source.list();

    expect(listed.find((c) => c.id === plain.id)).toMatchObject({ name: `plain-${plain.id.slice(0, 6)}`, tty: false, state: 'created' });
    expect(listed.find((c) => c.id === tty.id)).toMatchObject({ tty: true });
  });

  it('reads stdout, stderr and a line Docker split into 16 KB pieces, cut at MAX_LINE_BYTES with its original size', async () => {
    const container = await run(
      'echo "one €"; echo two >&2; head -c 300000 /dev/zero | tr "\\0" x; echo; echo after',
    );
    await container.wait();
    const sink = new RecordingSink();

    follow(container.id, sink);

    await vi.waitFor(() => expect(sink.lines).toHaveLength(4), { timeout: 10_000 });
    const byText = sink.lines.map((l) => ({ seq: l.seq, stream: l.stream, text: l.text.length > 40 ? `${l.text[0]}×${l.text.length}` : l.text, truncated: l.truncated, originalBytes: l.originalBytes }));
    const stdout = byText.filter((l) => l.stream === 'stdout');
    expect(stdout.map((l) => [l.text, l.truncated, l.originalBytes])).toEqual([
      ['one €', undefined, undefined],
      [`x×${MAX_LINE_BYTES}`, true, 300_000],
      ['after', undefined, undefined],
    ]);
    expect(byText.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['two']);
    expect(sink.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it('reads a TTY container\'s raw stream without the \\r of \\r\\n', async () => {
    const container = await run('echo hello; echo world', { tty: true });
    await container.wait();
    const sink = new RecordingSink();

    follow(container.id, sink);

    await vi.waitFor(() => expect(sink.lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'hello'],
      ['stdout', 'world'],
    ]), { timeout: 10_000 });
  });

  it('reads a TTY line of 40,000 characters, longer than Docker\'s 16 KB buffer, as one line, whole', async () => {
    const container = await run('head -c 40000 /dev/zero | tr "\\0" y; echo; echo after', { tty: true });
    await container.wait();
    const sink = new RecordingSink();

    follow(container.id, sink);

    await vi.waitFor(() => expect(sink.lines).toHaveLength(2), { timeout: 10_000 });
    expect(sink.lines[0]).toEqual(expect.objectContaining({ text: 'y'.repeat(40_000) }));
    expect(sink.lines[0]!.truncated).toBeUndefined();
    expect(sink.lines[1]).toMatchObject({ text: 'after' });
  });

  it('reads a TTY line longer than MAX_LINE_BYTES as one line, cut there with its original size', async () => {
    const container = await run('head -c 300000 /dev/zero | tr "\\0" y; echo; echo after', { tty: true });
    await container.wait();
    const sink = new RecordingSink();

    follow(container.id, sink);

    await vi.waitFor(() => expect(sink.lines).toHaveLength(2), { timeout: 10_000 });
    expect(sink.lines[0]).toMatchObject({ text: 'y'.repeat(MAX_LINE_BYTES), truncated: true, originalBytes: 300_000 });
    expect(sink.lines[1]).toMatchObject({ text: 'after' });
  });

  it('reads TTY lines of exactly 16,383 and 16,384 characters whole: not truncated, no \\r kept', async () => {
    // The TTY turns "\n" into "\r\n", so Docker's 16 KB copy buffer fills just before (or at) the ending.
    const container = await run('for n in 16383 16384; do head -c $n /dev/zero | tr "\\0" y; echo; done; echo after', { tty: true });
    await container.wait();
    const sink = new RecordingSink();

    follow(container.id, sink);

    await vi.waitFor(() => expect(sink.lines).toHaveLength(3), { timeout: 10_000 });
    expect(sink.lines.map((l) => [l.text, l.truncated])).toEqual([
      ['y'.repeat(16_383), undefined],
      ['y'.repeat(16_384), undefined],
      ['after', undefined],
    ]);
  });

  it('after a restart, follows again from the last line with Docker\'s inclusive `since`, without repeating it', async () => {
    const container = await run('echo boot; sleep 30');
    const sink = new RecordingSink();
    const follower = follow(container.id, sink);
    await vi.waitFor(() => expect(sink.lines.map((l) => l.text)).toEqual(['boot']), { timeout: 10_000 });

    await container.stop({ t: 0 });
    await vi.waitFor(() => expect(follower.state).toBe('ended'), { timeout: 10_000 });
    await container.start();
    follower.containerStarted();

    await vi.waitFor(() => expect(sink.lines.map((l) => [l.seq, l.text])).toEqual([
      [1, 'boot'],
      [2, 'boot'],
    ]), { timeout: 10_000 });
    const [first, second] = sink.lines;
    expect(second!.ts > first!.ts).toBe(true);
  });

  it('survives its connection to Docker being cut twice and a 500 in between: every line once, in order', async () => {
    const total = 3000;
    // Blocks of 300 lines a fifth of a second apart: the cuts land while lines are still coming.
    const container = await run(`i=1; while [ $i -le ${total} ]; do echo line-$i; if [ $((i % 300)) -eq 0 ]; then sleep 0.2; fi; i=$((i+1)); done`);
    let opened = 0;
    const faulty: ContainerSource = {
      address: source.address,
      list: () => source.list(),
      events: () => source.events(),
      inspect: (id) => source.inspect(id),
      async follow(id: string, options: FollowOptions): Promise<LogFollow> {
        opened += 1;
        if (opened === 2) throw Object.assign(new Error('(HTTP code 500) server error - EMFILE'), { statusCode: 500 });
        const follow = await source.follow(id, options);
        if (opened === 1 || opened === 3) {
          // After the first chunk, cut the HTTP connection itself, as a dockerd restart or a proxy would.
          follow.stream.once('data', () => setImmediate(() => (follow.stream as IncomingMessage).socket?.destroy()));
        }
        return follow;
      },
    };
    const sink = new RecordingSink();
    const logger = new RecordingLogger();
    const follower = new LogFollower({ containerId: container.id, source: faulty, sink, logger, request: { tail: 1000, epoch: 1 }, batchDelayMs: 5, recheckDelayMs: 50, maxRetryDelayMs: 200 });
    followers.push(follower);
    follower.start();

    await container.wait();
    await vi.waitFor(() => expect(sink.lines.length).toBeGreaterThanOrEqual(total), { timeout: 20_000 });

    expect(opened).toBeGreaterThanOrEqual(4);
    expect(sink.lines.map((l) => l.text)).toEqual(Array.from({ length: total }, (_, i) => `line-${i + 1}`));
    expect(sink.lines.map((l) => l.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(logger.matching(/failed .*following it again|Cannot follow the logs .*trying again/).length).toBeGreaterThanOrEqual(1);
  });

  it('registers its containers, streams on request, and reports inventory changes', async () => {
    cloud = await TestCloud.start();
    const container = await run('echo ready; sleep 30');
    const logger = new RecordingLogger();
    agent = createAgent({ url: cloud.url, token: 't', hostName: 'int-box', docker, logger, tuning: { batchDelayMs: 5 } });

    agent.start();
    await vi.waitFor(() => {
      const registers = cloud!.connections[0]!.json.filter((m) => m.action === 'agent.register') as unknown as { containers: { id: string }[] }[];
      expect(registers.at(-1)!.containers.map((c) => c.id)).toContain(container.id);
    }, { timeout: 10_000 });
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: container.id, tail: 100, epoch: 1 }));
    await vi.waitFor(() => expect(cloud!.last.batches[0]).toMatchObject({
      containerId: container.id,
      lines: [{ seq: 1, stream: 'stdout', text: 'ready' }],
    }), { timeout: 10_000 });

    const other = await run('true', { start: false });

    await vi.waitFor(() => {
      // Only the change: the new container, not the whole list again.
      const inventories = cloud!.last.json.filter((m) => m.action === 'agent.inventory') as unknown as { upsert: { id: string }[] }[];
      expect(inventories.flatMap((m) => m.upsert.map((c) => c.id))).toContain(other.id);
      expect(inventories.flatMap((m) => m.upsert.map((c) => c.id))).not.toContain(container.id);
    }, { timeout: 10_000 });
    expect(logger.matching(/Docker is reachable at unix:\/\//)).toHaveLength(1);
  });

  it('sends a 200 KB line of random characters whole, in parts, each after the ack of the one before, and the lines after it once the last is acked', async () => {
    cloud = await TestCloud.start();
    cloud.acksBatches = true;
    // 150,000 random bytes in base64: 200,000 characters that deflate can hardly shrink.
    const container = await run('echo before; head -c 150000 /dev/urandom | base64 | tr -d "\\n"; echo; echo after');
    await container.wait();
    agent = createAgent({ url: cloud.url, token: 't', hostName: 'int-box', docker, logger: new RecordingLogger(), tuning: { batchDelayMs: 5 } });

    agent.start();
    await vi.waitFor(() => expect(cloud!.last.actions).toContain('agent.register'), { timeout: 10_000 });
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: container.id, tail: 100, epoch: 1 }));

    await vi.waitFor(() => expect(cloud!.last.batches.flatMap((b) => b.lines).map((l) => l.seq)).toEqual([1, 2, 3]), { timeout: 20_000 });
    const batches = cloud.last.batches;
    const lines = batches.flatMap((b) => b.lines);
    expect(lines.map((l) => l.text.length)).toEqual(['before'.length, 200_000, 'after'.length]);
    expect(lines[1]!.text).toMatch(/^[A-Za-z0-9+/=]{200000}$/);
    expect(lines[1]!.truncated).toBeUndefined();
    const parts = batches.filter((b) => b.part);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.map((b) => b.part)).toEqual(parts.map((_, index) => ({ index, count: parts.length })));
    expect(parts.every((b) => b.firstSeq === 2 && b.lastSeq === 2)).toBe(true);
    for (const message of cloud.last.messages.filter((m) => m.includes('"log.batch"'))) expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // Nothing was sent twice: each part went once, after the ack of the one before.
    expect(batches.map((b) => `${b.firstSeq}-${b.lastSeq}:${b.part?.index ?? '-'}`)).toEqual(['1-1:-', ...parts.map((_, i) => `2-2:${i}`), '3-3:-']);
  });

});
