import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SidetailAgent, createAgent, type Agent, type AgentTuning } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { entry, muxFrame, ts } from './support/docker-bytes';
import { FakeContainerSource } from './support/fake-container-source';
import { RecordingLogger } from './support/recording-logger';
import { TestCloud } from './support/test-cloud';
import { eventually } from './support/eventually';

const FAST = { dockerRetryMs: 30, batchDelayMs: 1, recheckDelayMs: 5, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } };

function unreachable(code: string, path: string): Error {
  return Object.assign(new Error(`connect ${code} ${path}`), { code });
}

describe('agent', () => {
  let cloud: TestCloud | undefined;
  let agent: Agent | undefined;
  let logger: RecordingLogger;

  afterEach(async () => {
    await agent?.stop();
    await cloud?.close();
    agent = undefined;
    cloud = undefined;
  });

  function withSource(source: FakeContainerSource, tuning: AgentTuning = {}): SidetailAgent {
    logger = new RecordingLogger();
    const created = new SidetailAgent({ url: cloud!.url, token: 't', hostName: 'box-1.local', source, logger, tuning: { ...FAST, ...tuning } });
    agent = created;
    created.start();
    return created;
  }

  /**
   * An agent that registered with the test cloud (confirmed, unless told otherwise) and follows
   * container web1 because the cloud asked.
   */
  async function followingWeb1(options: { confirmsRegistrations?: boolean } = {}): Promise<FakeContainerSource> {
    cloud = await TestCloud.start();
    cloud.confirmsRegistrations = options.confirmsRegistrations ?? true;
    const source = new FakeContainerSource();
    source.addContainer('web1');
    withSource(source);
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));
    return source;
  }

  describe('with the Docker socket missing', () => {
    it('says once that Docker is not reachable and how to fix it, keeps retrying, and still registers', async () => {
      cloud = await TestCloud.start();
      logger = new RecordingLogger();
      const socket = `/tmp/sidetail-no-docker-${randomUUID()}.sock`;
      agent = createAgent({
        url: cloud.url,
        token: 't',
        hostName: 'box-1.local',
        docker: dockerFromHost(`unix://${socket}`),
        logger,
        tuning: FAST,
      });

      agent.start();
      await eventually(() => expect(cloud!.connections[0]?.actions).toEqual(['agent.register']));
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(logger.matching(/Docker is not reachable/)).toEqual([
        `Docker is not reachable at unix://${socket} (connect ENOENT ${socket}). Set DOCKER_HOST to point at your engine; retrying every 30ms.`,
      ]);
      expect(cloud.last.json[0]).toMatchObject({ hostName: 'box-1.local', containers: [] });
    });
  });

  it('when Docker becomes reachable, says so and registers again with the inventory', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1', { name: 'web' });
    source.failure = unreachable('ECONNREFUSED', '/var/run/docker.sock');
    withSource(source);
    await eventually(() => expect(source.calls).toBeGreaterThanOrEqual(4));
    await eventually(() => expect(cloud!.connections[0]?.actions).toEqual(['agent.register']));

    source.failure = undefined;

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'agent.register']));
    expect(cloud.last.json[1]).toMatchObject({ containers: [{ id: 'web1', name: 'web' }] });
    expect(logger.matching(/Docker is not reachable/)).toHaveLength(1);
    expect(logger.matching(/^Docker is reachable again at unix:\/\/\/fake\/docker\.sock \(1 container\)\.$/)).toHaveLength(1);
  });

  it('says so again, once, when Docker goes away later', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    withSource(source);
    await eventually(() => expect(source.eventStreams).toHaveLength(1));

    source.failure = unreachable('ECONNREFUSED', '/var/run/docker.sock');
    source.eventStreams[0]!.end();
    await eventually(() => expect(source.calls).toBeGreaterThanOrEqual(6));

    expect(logger.matching(/Docker is not reachable/)).toHaveLength(1);
  });

  it('does not report a blip — an event stream that ends while the engine still answers — as an outage', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    withSource(source);
    await eventually(() => expect(source.eventStreams).toHaveLength(1));

    source.eventStreams[0]!.end();

    await eventually(() => expect(source.eventStreams).toHaveLength(2));
    expect(logger.matching(/Docker is not reachable/)).toEqual([]);
    expect(logger.matching(/Docker is reachable/)).toHaveLength(1);
  });

  it('follows a container on log.stream.start and sends its lines as log.batch', async () => {
    const source = await followingWeb1();
    source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'hello from web1\n')));

    await eventually(() => expect(cloud!.last.actions).toContain('log.batch'));
    expect(source.follows[0]!.options.from).toEqual({ tail: 50 });
    expect(cloud!.last.batches[0]).toEqual({
      action: 'log.batch',
      containerId: 'web1',
      epoch: 1,
      firstSeq: 1,
      lastSeq: 1,
      data: expect.any(String),
      lines: [{ seq: 1, ts: ts(1), stream: 'stdout', text: 'hello from web1' }],
    });
  });

  it('sends a container\'s next batch only after the cloud acks the last, and resends an unacked batch after a reconnect', async () => {
    const source = await followingWeb1();
    const stream = source.lastFollow('web1').stream;
    const batchSeqs = (): number[][] =>
      cloud!.last.batches.map((b) => b.lines.map((l) => l.seq));

    stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(batchSeqs()).toEqual([[1]]));
    stream.write(muxFrame('stdout', entry(ts(2), 'two\n')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(batchSeqs()).toEqual([[1]]);
    cloud!.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));
    await eventually(() => expect(batchSeqs()).toEqual([[1], [2]]));

    const { port } = cloud!;
    await cloud!.close();
    cloud = await TestCloud.start({ port });

    await eventually(() => expect(cloud!.connections[0]?.actions).toEqual(['agent.register', 'log.batch']));
    expect(batchSeqs()).toEqual([[2]]);
  });

  it('ignores a log.stream.start for a container it already follows, and destroys the stream on log.stream.stop', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    withSource(source);
    await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
    const start = JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 });

    cloud.last.send(start);
    cloud.last.send(start);
    await eventually(() => expect(source.follows).toHaveLength(1));
    cloud.last.send(JSON.stringify({ action: 'log.stream.stop', containerId: 'web1' }));

    await eventually(() => expect(source.follows[0]!.stream.destroyed).toBe(true));
    expect(source.follows).toHaveLength(1);
  });

  it('restarted before its in-flight batch is stored, numbers after what is still queued rather than from the cloud\'s older resume point', async () => {
    const source = await followingWeb1();
    const batches = () => cloud!.last.batches;
    const first = source.lastFollow('web1').stream;
    first.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(batches()).toHaveLength(1));
    cloud!.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));
    first.write(muxFrame('stdout', entry(ts(2), 'two\n')));
    await eventually(() => expect(batches()).toHaveLength(2));

    // Stopped with line 2 in flight, and started again before the cloud stored it: the start's
    // resume point is line 1, but line 2 is still on its way (and numbering it again with other
    // batch boundaries would clash with it).
    cloud!.last.send(JSON.stringify({ action: 'log.stream.stop', containerId: 'web1' }));
    cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, resume: { seq: 1, ts: ts(1), textsAtTs: ['one'] }, epoch: 1, catchUp: true }));
    await eventually(() => expect(source.follows).toHaveLength(2));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(2) });
    source.lastFollow('web1').stream.write(Buffer.concat([muxFrame('stdout', entry(ts(2), 'two\n')), muxFrame('stdout', entry(ts(3), 'three\n'))]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    cloud!.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 2 }));

    await eventually(() => expect(batches()).toHaveLength(3));
    expect(batches().map((b) => b.lines)).toEqual([
      [{ seq: 1, ts: ts(1), stream: 'stdout', text: 'one' }],
      [{ seq: 2, ts: ts(2), stream: 'stdout', text: 'two' }],
      [{ seq: 3, ts: ts(3), stream: 'stdout', text: 'three' }],
    ]);
  });

  describe('following exactly what is watched, after each registration', () => {
    /** An agent on a host of web1, db1 and cache1, following web1 and db1 on its first connection, whose cloud then goes away. */
    async function followingTwoThenDisconnected(): Promise<{ source: FakeContainerSource; port: number }> {
      cloud = await TestCloud.start();
      const source = new FakeContainerSource();
      source.addContainer('web1');
      source.addContainer('db1');
      source.addContainer('cache1');
      withSource(source);
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));
      for (const containerId of ['web1', 'db1']) cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId, tail: 50, epoch: 1 }));
      await eventually(() => expect(source.follows).toHaveLength(2));
      const { port } = cloud;
      await cloud.close();
      return { source, port };
    }

    it('stops every follow the registration\'s watched list lacks once it reconnects, since a stop sent while it was away is lost', async () => {
      const { source, port } = await followingTwoThenDisconnected();
      cloud = await TestCloud.start({ port });
      cloud.watched = ['web1'];

      await eventually(() => expect(source.lastFollow('db1').stream.destroyed).toBe(true));
      expect(source.lastFollow('web1').stream.destroyed).toBe(false);
      expect(source.follows).toHaveLength(2);
    });

    it('follows a stopped container again on a later log.stream.start', async () => {
      const { source, port } = await followingTwoThenDisconnected();
      cloud = await TestCloud.start({ port });
      cloud.watched = [];
      await eventually(() => expect(source.lastFollow('db1').stream.destroyed).toBe(true));

      cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'db1', tail: 50, epoch: 1 }));

      await eventually(() => expect(source.follows).toHaveLength(3));
      expect(source.lastFollow('db1').stream.destroyed).toBe(false);
    });

    it('keeps a follow asked for after it sent its registration, though that registration\'s watched list (computed before the subscribe) lacks it', async () => {
      cloud = await TestCloud.start();
      cloud.confirmsRegistrations = false;
      const source = new FakeContainerSource();
      source.addContainer('web1');
      source.addContainer('db1');
      withSource(source);
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));

      cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
      cloud.last.send(JSON.stringify({ action: 'agent.registered', agentId: 'box-1', watched: [] }));
      // Handled in order: once db1 is followed, the registration before it has been handled.
      cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'db1', tail: 50, epoch: 1 }));

      await eventually(() => expect(source.follows).toHaveLength(2));
      expect(source.lastFollow('web1').stream.destroyed).toBe(false);
    });

    it('stops nothing when the registration names no watched list (a cloud older than that field)', async () => {
      const { source, port } = await followingTwoThenDisconnected();
      cloud = await TestCloud.start({ port });
      await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
      // Handled after the registration: once cache1 is followed, the registration has been handled.
      cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'cache1', tail: 50, epoch: 1 }));

      await eventually(() => expect(source.follows).toHaveLength(3));
      expect(source.follows.map((f) => f.stream.destroyed)).toEqual([false, false, false]);
    });
  });

  it('revives on a later log.stream.start a follow that ended, rather than ignoring the start', async () => {
    const source = await followingWeb1();
    source.containers.get('web1')!.running = false;
    source.lastFollow('web1').stream.end(muxFrame('stdout', entry(ts(1), 'before restart\n')));
    await eventually(() => expect(cloud!.last.actions).toContain('log.batch'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.follows).toHaveLength(1);
    // Running again, but its start event was lost (the event stream was being reopened).
    source.containers.get('web1')!.running = true;

    cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, resume: { seq: 1, ts: ts(1), textsAtTs: ['before restart'] }, epoch: 1 }));

    await eventually(() => expect(source.follows).toHaveLength(2));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
  });

  it('forgets the follower of a container Docker does not have (404), so that a later start follows it', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    withSource(source);
    await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
    const start = JSON.stringify({ action: 'log.stream.start', containerId: 'late1', tail: 50, epoch: 1 });
    cloud.last.send(start);
    await eventually(() => expect(logger.matching(/late1.*does not exist/)).toHaveLength(1));

    source.addContainer('late1');
    cloud.last.send(start);

    await eventually(() => expect(source.follows.map((f) => f.containerId)).toEqual(['late1']));
  });

  it('drops the ended follower of a container that is no longer listed, though its destroy event was missed', async () => {
    const source = await followingWeb1();
    source.containers.get('web1')!.running = false;
    source.lastFollow('web1').stream.end(muxFrame('stdout', entry(ts(1), 'last words\n')));
    await eventually(() => expect(cloud!.last.actions).toContain('log.batch'));
    // Past the follower's own re-check, which found it stopped: from now on nothing asks Docker.
    await new Promise((resolve) => setTimeout(resolve, 50));
    source.containers.delete('web1');

    source.addContainer('db1');
    source.emit({ action: 'create', containerId: 'db1' });

    await eventually(() => expect(logger.matching(/Container web1 no longer exists: stopped following it\./)).toHaveLength(1));
    source.addContainer('web1');
    cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 2 }));
    await eventually(() => expect(source.follows).toHaveLength(2));
    expect(source.follows[1]!.options.from).toEqual({ tail: 50 });
  });

  describe('when Docker removes a container it follows (--rm, rm -f: the log file goes with it)', () => {
    const batchTexts = (): string[][] =>
      cloud!.last.batches.map((b) => b.lines.map((l) => l.text));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('reads what Docker still sends, and delivers every batch until acked, even after a log.stream.stop', async () => {
      const source = await followingWeb1();
      const { stream } = source.lastFollow('web1');
      stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
      await eventually(() => expect(batchTexts()).toEqual([['one']]));
      stream.write(muxFrame('stdout', entry(ts(2), 'two\n')));
      await pause(30);

      source.containers.delete('web1');
      source.emit({ action: 'destroy', containerId: 'web1' });
      await pause(30);
      // Docker's last bytes come after its destroy event; then the stream ends.
      stream.end(muxFrame('stdout', entry(ts(3), 'three\n')));
      cloud!.last.send(JSON.stringify({ action: 'log.stream.stop', containerId: 'web1' }));
      await pause(30);
      cloud!.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));

      // The lines that came while line 1 waited for its ack go together.
      await eventually(() => expect(batchTexts()).toEqual([['one'], ['two', 'three']]));
      cloud!.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 3 }));
      expect(source.follows).toHaveLength(1);
    });

    it('forgets the container\'s follower once its stream ended: a later log.stream.start follows anew', async () => {
      const source = await followingWeb1();
      source.lastFollow('web1').stream.end(muxFrame('stdout', entry(ts(1), 'last\n')));
      await eventually(() => expect(batchTexts()).toEqual([['last']]));

      source.emit({ action: 'destroy', containerId: 'web1' });
      await pause(30);
      cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 2 }));

      await eventually(() => expect(source.follows).toHaveLength(2));
    });
  });

  it('sends agent.inventory after container events, and follows a restarted container again', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    withSource(source);
    await eventually(() => expect(source.eventStreams).toHaveLength(1));
    await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));
    source.containers.get('web1')!.running = false;
    source.lastFollow('web1').stream.end(muxFrame('stdout', entry(ts(1), 'before restart\n')));
    await eventually(() => expect(cloud!.last.actions).toContain('log.batch'));

    source.addContainer('db1');
    source.emit({ action: 'create', containerId: 'db1' });
    source.containers.get('web1')!.running = true;
    source.emit({ action: 'start', containerId: 'web1' });

    await eventually(() => expect(source.follows).toHaveLength(2));
    expect(source.follows[1]!.options.from).toEqual({ since: ts(1) });
    await eventually(() => expect(cloud!.last.actions).toContain('agent.inventory'));
    const inventory = cloud.last.json.find((m) => m.action === 'agent.inventory') as unknown as { upsert: { id: string }[]; remove: string[] };
    expect(inventory.upsert.map((c) => c.id)).toEqual(['db1']);
    expect(inventory.remove).toEqual([]);
  });

  describe('inventory changes', () => {
    /** A registered agent on a host of web1, db1 and cache1. */
    async function registeredOnThreeContainers(tuning: AgentTuning = {}): Promise<FakeContainerSource> {
      cloud = await TestCloud.start();
      const source = new FakeContainerSource();
      for (const id of ['web1', 'db1', 'cache1']) source.addContainer(id);
      withSource(source, tuning);
      await eventually(() => expect(source.eventStreams).toHaveLength(1));
      await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
      return source;
    }
    const inventories = () =>
      cloud!.last.json.filter((m) => m.action === 'agent.inventory') as unknown as { observedAt: number; upsert: { id: string; state: string }[]; remove: string[] }[];

    it('turns Docker events into a change message: the changed and the removed container, never the whole list', async () => {
      const source = await registeredOnThreeContainers();
      const before = Date.now();

      source.containers.get('web1')!.info = { ...source.containers.get('web1')!.info, state: 'exited', status: 'Exited (0) 1 second ago' };
      source.emit({ action: 'die', containerId: 'web1' });
      source.containers.delete('cache1');
      source.emit({ action: 'destroy', containerId: 'cache1' });

      await eventually(() => expect(inventories()).toHaveLength(1));
      const [change] = inventories();
      expect(change).toEqual({ action: 'agent.inventory', observedAt: expect.any(Number), upsert: [expect.objectContaining({ id: 'web1', state: 'exited' })], remove: ['cache1'] });
      expect(change!.observedAt).toBeGreaterThanOrEqual(before);
      const registered = cloud!.last.json.find((m) => m.action === 'agent.register') as unknown as { observedAt: number };
      expect(change!.observedAt).toBeGreaterThan(registered.observedAt);
    });

    it('does not resend a container whose only change is Docker\'s uptime wording, when no event named it', async () => {
      const source = await registeredOnThreeContainers();

      source.containers.get('db1')!.info = { ...source.containers.get('db1')!.info, status: 'Up 2 minutes' };
      source.addContainer('new1');
      source.emit({ action: 'create', containerId: 'new1' });

      await eventually(() => expect(inventories()).toHaveLength(1));
      expect(inventories()[0]!.upsert.map((c) => c.id)).toEqual(['new1']);
    });

    it('sends an inventory the cloud does not acknowledge once more, then registers again with the whole list', async () => {
      const source = await registeredOnThreeContainers({ inventoryAckTimeoutMs: 100 });
      source.addContainer('new1');
      source.emit({ action: 'create', containerId: 'new1' });

      await eventually(() => expect(cloud!.last.actions.filter((a) => a === 'agent.register')).toHaveLength(2));
      expect(inventories()).toHaveLength(2);
      expect(inventories()[1]).toEqual(inventories()[0]);
      const last = cloud!.last.json.filter((m) => m.action === 'agent.register').at(-1) as unknown as { containers: { id: string }[] };
      expect(last.containers.map((c) => c.id)).toContain('new1');
    });

    it('sends an acknowledged inventory only once', async () => {
      // Room for a loaded machine between the inventory and its ack.
      const source = await registeredOnThreeContainers({ inventoryAckTimeoutMs: 500 });
      source.addContainer('new1');
      source.emit({ action: 'create', containerId: 'new1' });
      await eventually(() => expect(inventories()).toHaveLength(1));

      cloud!.last.send(JSON.stringify({ action: 'inventory.ack', observedAt: inventories()[0]!.observedAt }));
      await new Promise((resolve) => setTimeout(resolve, 1200));

      expect(inventories()).toHaveLength(1);
      expect(cloud!.last.actions.filter((a) => a === 'agent.register')).toHaveLength(1);
    });

    it('registers again with the whole list when the cloud refuses an inventory, so nothing stays out of date', async () => {
      const source = await registeredOnThreeContainers();
      source.addContainer('new1');
      source.emit({ action: 'create', containerId: 'new1' });
      await eventually(() => expect(inventories()).toHaveLength(1));

      cloud!.last.send(JSON.stringify({ action: 'error', code: 'internal', message: 'boom', requestAction: 'agent.inventory' }));

      await eventually(() => expect(cloud!.last.actions.filter((a) => a === 'agent.register')).toHaveLength(2));
      const last = cloud!.last.json.filter((m) => m.action === 'agent.register').at(-1) as unknown as { containers: { id: string }[] };
      expect(last.containers.map((c) => c.id)).toEqual(['web1', 'db1', 'cache1', 'new1']);
    });
  });

  it('logs an error the cloud sends back', async () => {
    cloud = await TestCloud.start();
    withSource(new FakeContainerSource());
    await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));

    cloud.last.send(JSON.stringify({ action: 'error', code: 'malformed', message: 'invalid message: lines', requestAction: 'log.batch' }));

    await eventually(() => expect(logger.matching(/^The cloud rejected log\.batch \(malformed\): invalid message: lines$/)).toHaveLength(1));
  });

  it('holds batches until the cloud confirms the registration, since the cloud may handle a batch before the register', async () => {
    const source = await followingWeb1({ confirmsRegistrations: false });
    source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'early\n')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cloud!.last.actions).toEqual(['agent.register']);

    cloud!.last.send(JSON.stringify({ action: 'agent.registered', agentId: 'box-1' }));

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch']));
  });

  it('registers again when the cloud leaves a registration unanswered (a failed Lambda answers nothing)', async () => {
    cloud = await TestCloud.start();
    cloud.confirmsRegistrations = false;
    logger = new RecordingLogger();
    agent = new SidetailAgent({
      url: cloud.url, token: 't', hostName: 'box-1.local', source: new FakeContainerSource(), logger,
      tuning: { ...FAST, registrationTimeoutMs: 100 },
    });
    agent.start();

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'agent.register']));
    cloud.confirmsRegistrations = true;
    await eventually(() => expect(cloud!.last.actions.length).toBeGreaterThanOrEqual(3));
    expect(logger.matching(/No agent\.registered within 0\.1s/).length).toBeGreaterThanOrEqual(2);
  });

  it('registers again and resends the batch when the cloud answers not_registered', async () => {
    const source = await followingWeb1();
    source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'refused once\n')));
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch']));

    cloud!.last.send(JSON.stringify({ action: 'error', code: 'not_registered', message: 'register first', requestAction: 'log.batch' }));

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch', 'agent.register', 'log.batch']));
    const batches = cloud!.last.json.filter((m) => m.action === 'log.batch');
    expect(batches[1]).toEqual(batches[0]);
  });

  it('resends a batch soon when the cloud refuses it with retry: true, instead of waiting for the ack timeout', async () => {
    const source = await followingWeb1();
    source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'stored, but the ack failed\n')));
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch']));

    const refusal = { action: 'error', code: 'internal', message: 'safe to retry', requestAction: 'log.batch', containerId: 'web1', firstSeq: 1, lastSeq: 1, retry: true };
    cloud!.last.send(JSON.stringify(refusal));

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch', 'log.batch']));
    const batches = cloud!.last.json.filter((m) => m.action === 'log.batch');
    expect(batches[1]).toEqual(batches[0]);
  });

  describe('when API Gateway itself refuses a message, naming none', () => {
    const frame = (message: string) => JSON.stringify({ message, connectionId: 'XDmENcnwIE0CFEQ=', requestId: 'XDmGEE2RoE0FRdQ=' });

    it('sends the batch in flight again soon, however often it is throttled, instead of waiting for the ack timeout and dropping it', async () => {
      const source = await followingWeb1();
      source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'throttled\n')));
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch']));

      for (let copies = 2; copies <= 5; copies++) {
        cloud!.last.send(frame(copies % 2 ? 'Internal server error' : 'Too Many Requests'));
        await eventually(() => expect(cloud!.last.actions.filter((a) => a === 'log.batch')).toHaveLength(copies));
      }
      const batches = cloud!.last.json.filter((m) => m.action === 'log.batch');
      expect(new Set(batches.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(logger.matching(/^API Gateway refused a message/)).toHaveLength(1);
      expect(logger.matching(/Ignored a message|Dropped/)).toEqual([]);
    });

    it('registers again soon when the registration was waiting, instead of a whole registration timeout later', async () => {
      cloud = await TestCloud.start();
      cloud.confirmsRegistrations = false;
      withSource(new FakeContainerSource(), { registrationTimeoutMs: 60_000 });
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));

      cloud.last.send(frame('Too Many Requests'));

      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'agent.register']));
    });

    it('sends an unacknowledged inventory change again too', async () => {
      cloud = await TestCloud.start();
      const source = new FakeContainerSource();
      source.addContainer('web1');
      withSource(source, { inventoryAckTimeoutMs: 60_000 });
      await eventually(() => expect(source.eventStreams).toHaveLength(1));
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));
      source.addContainer('new1');
      source.emit({ action: 'create', containerId: 'new1' });
      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'agent.inventory']));

      cloud.last.send(frame('Too Many Requests'));

      await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'agent.inventory', 'agent.inventory']));
      const [first, again] = cloud.last.json.filter((m) => m.action === 'agent.inventory');
      expect(again).toEqual(first);
    });
  });

  it('drops a batch refused with retry: false, says which lines and why, and sends the next one', async () => {
    const source = await followingWeb1();
    const stream = source.lastFollow('web1').stream;
    stream.write(muxFrame('stdout', entry(ts(1), 'clashes with a stored batch\n')));
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch']));
    stream.write(muxFrame('stdout', entry(ts(2), 'next\n')));

    const refusal = { action: 'error', code: 'conflict', message: 'lines 1–1 clash', requestAction: 'log.batch', containerId: 'web1', firstSeq: 1, lastSeq: 1, retry: false };
    cloud!.last.send(JSON.stringify(refusal));

    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register', 'log.batch', 'log.batch']));
    expect(cloud!.last.batches[1]!.lines.map((l) => l.seq)).toEqual([2]);
    expect(logger.matching(/^Dropped line 1 of container web1: the cloud refused it \(conflict: lines 1–1 clash\)/)).toHaveLength(1);
  });

  it('stop() destroys every follow stream and closes the connection', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    const running = withSource(source);
    await eventually(() => expect(cloud!.last.actions).toContain('agent.register'));
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));

    await running.stop();

    expect(source.follows[0]!.stream.destroyed).toBe(true);
    await eventually(() => expect(cloud!.last.closeCode).toBe(1000));
  });
});
