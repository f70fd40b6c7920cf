/**
 * The connection's life: noticed dead within a minute when it goes silent, and replaced before
 * API Gateway's two-hour limit without a gap (issue 8, defect 8). Real sockets against TestCloud.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudConnection, type CloudConnectionOptions } from '../../../agent/transport/cloud-connection';
import type { AgentRegister, CloudToAgent } from '../../../protocol';
import { RecordingLogger } from '../support/recording-logger';
import { TestCloud } from '../support/test-cloud';
import { eventually } from '../support/eventually';

const REGISTER: AgentRegister = { action: 'agent.register', hostName: 'box-1', agentVersion: '0.1.0', containers: [] };

describe('CloudConnection lifecycle', () => {
  let cloud: TestCloud | undefined;
  let connection: CloudConnection | undefined;
  let logger: RecordingLogger;
  let received: CloudToAgent[];

  afterEach(async () => {
    vi.useRealTimers();
    await connection?.stop(200);
    await cloud?.close();
    connection = undefined;
    cloud = undefined;
  });

  function connect(url: string, options: Partial<CloudConnectionOptions> = {}): CloudConnection {
    logger = new RecordingLogger();
    received = [];
    connection = new CloudConnection({
      url,
      token: 't',
      logger,
      handshake: () => REGISTER,
      onMessage: (message) => received.push(message),
      onGatewayError: () => {},
      backoff: { initialDelayMs: 20, maxDelayMs: 100 },
      ...options,
    });
    connection.start();
    return connection;
  }

  describe('a connection that goes silent', () => {
    it('is noticed within a minute with the default heartbeat, closed and replaced', async () => {
      // Timers advance with real time and on demand; the sockets stay real.
      vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
      cloud = await TestCloud.start();
      // TestCloud answers no ping: a cloud that went away without closing the socket.
      connect(cloud.url);
      await eventually(() => expect(connection!.connected).toBe(true));

      await vi.advanceTimersByTimeAsync(60_000);

      // Noticed within the minute; the replacement then follows its reconnect delay (on the fake
      // clock, which a loaded machine's real time alone moves too slowly).
      await eventually(() => expect(logger.matching(/did not answer/)).toHaveLength(1));
      await eventually(async () => {
        await vi.advanceTimersByTimeAsync(100);
        expect(cloud!.connections).toHaveLength(2);
      });
    });

    it('sends no ping while frames keep coming from the cloud: a busy connection costs no heartbeat invocations', async () => {
      cloud = await TestCloud.start();
      connect(cloud.url, { heartbeatMs: 300, heartbeatTimeoutMs: 300 });
      await eventually(() => expect(connection!.connected).toBe(true));

      for (let i = 0; i < 10; i++) {
        cloud.last.send(JSON.stringify({ action: 'log.ack', containerId: 'c1', seq: i + 1 }));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      expect(cloud.last.actions).toEqual(['agent.register']);
      expect(cloud.connections).toHaveLength(1);
    });

    it('pings after a quiet spell and stays connected while the cloud answers', async () => {
      cloud = await TestCloud.start();
      cloud.connectionsAnswerPings = true;
      connect(cloud.url, { heartbeatMs: 100, heartbeatTimeoutMs: 1_000 });

      await vi.waitFor(() => expect(cloud!.last.actions.filter((a) => a === 'ping').length).toBeGreaterThanOrEqual(3), { timeout: 5000 });

      expect(cloud.connections).toHaveLength(1);
    });
  });

  describe('replacement before the maximum connection age', () => {
    it('opens a new connection while the old one still works, registers on it once nothing is in flight, then closes the old one', async () => {
      cloud = await TestCloud.start();
      let inFlight = true;
      const opened: number[] = [];
      const closed: number[] = [];
      connect(cloud.url, {
        maxConnectionAgeMs: 300,
        replaceJitterMs: 0,
        isDrained: () => !inFlight,
        onOpen: () => opened.push(cloud!.connections.length),
        onClose: () => closed.push(cloud!.connections.length),
      });
      await eventually(() => expect(cloud!.connections).toHaveLength(2));
      const [old, replacement] = cloud.connections;
      // Something is in flight on the old connection: the new one waits, unregistered.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(replacement!.actions).toEqual([]);
      expect(connection!.handingOver).toBe(true);
      expect(old!.closeCode).toBeUndefined();

      // Its ack arrives on the old connection, which still delivers it.
      inFlight = false;
      old!.send(JSON.stringify({ action: 'log.ack', containerId: 'c1', seq: 7 }));

      await eventually(() => expect(replacement!.actions).toEqual(['agent.register']));
      expect(received).toContainEqual({ action: 'log.ack', containerId: 'c1', seq: 7 });
      expect(connection!.handingOver).toBe(false);
      // What is sent now goes on the new connection.
      expect(connection!.send({ action: 'ping' })).toBe(true);
      await eventually(() => expect(replacement!.actions).toEqual(['agent.register', 'ping']));
      expect(old!.actions).toEqual(['agent.register']);

      connection!.handoverConfirmed();
      await eventually(() => expect(old!.closeCode).toBe(1000));
      expect(opened).toEqual([1, 2]);
      expect(closed).toEqual([2]);
      expect(connection!.connected).toBe(true);
    });

    it('registers on the new connection after the drain timeout even if something stays in flight', async () => {
      cloud = await TestCloud.start();
      connect(cloud.url, { maxConnectionAgeMs: 300, replaceJitterMs: 0, handoverDrainMs: 200, isDrained: () => false });

      await eventually(() => expect(cloud!.connections[1]?.actions).toEqual(['agent.register']));

      expect(cloud.connections[0]!.actions).toEqual(['agent.register']);
    });

    it('takes from the old connection only acks and stream commands once it is retiring: its refusals are of the old connection', async () => {
      cloud = await TestCloud.start();
      cloud.confirmsRegistrations = false;
      connect(cloud.url, { maxConnectionAgeMs: 300, replaceJitterMs: 0, isDrained: () => true });
      await eventually(() => expect(cloud!.connections[1]?.actions).toEqual(['agent.register']));
      const old = cloud.connections[0]!;

      old.send(JSON.stringify({ action: 'error', code: 'forbidden', message: 'superseded', requestAction: 'log.batch', containerId: 'c1', firstSeq: 1, lastSeq: 2, retry: false }));
      old.send(JSON.stringify({ action: 'agent.registered', agentId: 'box-1' }));
      old.send(JSON.stringify({ action: 'log.ack', containerId: 'c1', seq: 2 }));
      old.send(JSON.stringify({ action: 'log.stream.stop', containerId: 'c1' }));

      await eventually(() => expect(received.map((m) => m.action)).toEqual(['log.ack', 'log.stream.stop']));
    });

    it('becomes the connection at once when the old one drops while it waits for the drain', async () => {
      cloud = await TestCloud.start();
      connect(cloud.url, { maxConnectionAgeMs: 300, replaceJitterMs: 0, isDrained: () => false, handoverDrainMs: 60_000 });
      await eventually(() => expect(cloud!.connections).toHaveLength(2));
      await new Promise((resolve) => setTimeout(resolve, 50));

      cloud.connections[0]!.socket.terminate();

      await eventually(() => expect(cloud!.connections[1]!.actions).toEqual(['agent.register']));
      expect(cloud.connections).toHaveLength(2);
      expect(connection!.connected).toBe(true);
    });

    it('lets held batches go on the old connection again when the replacement closes before taking over', async () => {
      cloud = await TestCloud.start();
      let cancelled = 0;
      connect(cloud.url, { maxConnectionAgeMs: 300, replaceJitterMs: 0, isDrained: () => false, handoverDrainMs: 60_000, onHandoverCancelled: () => (cancelled += 1) });
      await eventually(() => expect(connection!.handingOver).toBe(true));

      cloud.connections[1]!.socket.terminate();

      await eventually(() => expect(cancelled).toBe(1));
      expect(connection!.handingOver).toBe(false);
      expect(connection!.connected).toBe(true);
      expect(connection!.send({ action: 'ping' })).toBe(true);
      await eventually(() => expect(cloud!.connections[0]!.actions).toEqual(['agent.register', 'ping']));
    });

    it('replaces each connection in turn, at a jittered time no later than the maximum age', async () => {
      cloud = await TestCloud.start();
      connect(cloud.url, { maxConnectionAgeMs: 250, replaceJitterMs: 100, random: () => 0.5, isDrained: () => true, onOpen: () => connection?.handoverConfirmed() });

      await eventually(() => expect(cloud!.connections.length).toBeGreaterThanOrEqual(3));

      const [first, second] = cloud.connections;
      await eventually(() => expect([first!.closeCode, second!.closeCode]).toEqual([1000, 1000]));
    });

    it('keeps the jitter within a tenth of a short maximum age: a small setting never means a replacement at once', async () => {
      cloud = await TestCloud.start();
      const openedAt: number[] = [];
      connect(cloud.url, { maxConnectionAgeMs: 400, random: () => 1, isDrained: () => true, onOpen: () => (openedAt.push(Date.now()), connection?.handoverConfirmed()) });

      await eventually(() => expect(openedAt.length).toBeGreaterThanOrEqual(2));

      expect(openedAt[1]! - openedAt[0]!).toBeGreaterThanOrEqual(340);
    });
  });
});
