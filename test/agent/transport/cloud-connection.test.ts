import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudConnection, FRAME_PAYLOAD_BYTES, type CloudConnectionOptions } from '../../../agent/transport/cloud-connection';
import {
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  encode,
  type AgentLogBatch,
  type AgentRegister,
  type CloudToAgent,
} from '../../../protocol';
import type { GatewayErrorFrame } from '../../../agent/transport/gateway-error-frame';
import { gatewayErrorFrame } from '../../../infra/local/gateway-error-frames';
import { RecordingLogger } from '../support/recording-logger';
import { TestCloud, freePort } from '../support/test-cloud';
import { eventually } from '../support/eventually';

const REGISTER: AgentRegister = { action: 'agent.register', hostName: 'box-1', agentVersion: '0.1.0', containers: [] };

/** A log.batch whose `data` is `data` as it is: the connection carries any text (sizes and characters are what count here). */
function batch(seq: number, data = `line ${seq}`): AgentLogBatch {
  return { action: 'log.batch', containerId: 'c1', epoch: 1, firstSeq: seq, lastSeq: seq, data };
}

describe('CloudConnection', () => {
  let cloud: TestCloud | undefined;
  let connection: CloudConnection | undefined;
  let logger: RecordingLogger;
  let received: CloudToAgent[];
  let gatewayErrors: GatewayErrorFrame[];

  afterEach(async () => {
    await connection?.stop(200);
    await cloud?.close();
    connection = undefined;
    cloud = undefined;
  });

  function connect(url: string, options: Partial<CloudConnectionOptions> = {}): CloudConnection {
    logger = new RecordingLogger();
    received = [];
    gatewayErrors = [];
    connection = new CloudConnection({
      url,
      token: 'to&ken=with?specials',
      logger,
      handshake: () => REGISTER,
      onMessage: (message) => received.push(message),
      onGatewayError: (frame) => gatewayErrors.push(frame),
      backoff: { initialDelayMs: 20, maxDelayMs: 100 },
      ...options,
    });
    connection.start();
    return connection;
  }

  async function connections(count: number): Promise<void> {
    await vi.waitFor(() => expect(cloud!.connections).toHaveLength(count), { timeout: 5000 });
  }

  it('connects as an agent with its token and registers before anything else', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);

    await eventually(() => expect(cloud!.connections[0]?.messages).toHaveLength(1));

    const [first] = cloud.connections;
    expect(first!.query.get('role')).toBe('agent');
    expect(first!.query.get('token')).toBe('to&ken=with?specials');
    expect(first!.json).toEqual([REGISTER]);
  });

  it('fragments a 100 KB message into frames of at most 32 KB that the server reassembles whole', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));
    // Multibyte text, so that cuts fall next to character boundaries too.
    const big = batch(1, 'ab€𝄞'.repeat(11_500));
    const encoded = encode(big);
    expect(Buffer.byteLength(encoded)).toBeGreaterThan(100_000);

    connection!.send(big);

    await eventually(() => expect(cloud!.last.messages).toHaveLength(2));
    expect(cloud.last.messages[1]).toBe(encoded);
    const frames = cloud.last.recorder.dataFrames.slice(1);
    expect(frames.length).toBe(Math.ceil(Buffer.byteLength(encoded) / FRAME_PAYLOAD_BYTES));
    expect(frames.map((f) => [f.opcode, f.fin])).toEqual([[1, false], ...frames.slice(1, -1).map(() => [0, false]), [0, true]]);
    for (const frame of frames) {
      expect(frame.wireBytes).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      // Each fragment is valid UTF-8 on its own.
      expect(Buffer.from(frame.payload.toString('utf8'), 'utf8').equals(frame.payload)).toBe(true);
    }
  });

  it('sends a message that fits one frame as one frame', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));

    connection!.send(batch(1));

    await eventually(() => expect(cloud!.last.messages).toHaveLength(2));
    expect(cloud.last.recorder.dataFrames.map((f) => [f.opcode, f.fin])).toEqual([
      [1, true],
      [1, true],
    ]);
  });

  it('sends the JSON it is handed for a message, as it is', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));
    const message = batch(1, 'ünïcödé');

    const sent = connection!.send(message, encode(message));

    expect(sent).toBe(true);
    await eventually(() => expect(cloud!.last.messages).toHaveLength(2));
    expect(cloud.last.messages[1]).toBe(encode(message));
  });

  it('refuses to send a message above the 128 KB limit, and says so', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));

    const sent = connection!.send(batch(1, 'x'.repeat(MAX_MESSAGE_BYTES)));

    expect(sent).toBe(false);
    expect(logger.matching(/not sending log\.batch: \d+ bytes is above the 131072-byte message limit/)).toHaveLength(1);
  });

  it('reconnects after the server drops the socket and registers again, sending nothing meanwhile', async () => {
    cloud = await TestCloud.start();
    const opened = vi.fn();
    const closed = vi.fn();
    connect(cloud.url, { onOpen: opened, onClose: closed });
    await eventually(() => expect(connection!.connected).toBe(true));
    const { port } = cloud;

    await cloud.close();
    await eventually(() => expect(connection!.connected).toBe(false));
    const sentWhileDown = connection!.send(batch(1));
    cloud = await TestCloud.start({ port });

    await connections(1);
    await eventually(() => expect(opened).toHaveBeenCalledTimes(2));
    expect(sentWhileDown).toBe(false);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(cloud.last.json).toEqual([REGISTER]);
    expect(logger.matching(/^Connection to the cloud closed \(code 1006\); reconnecting in/)).toHaveLength(1);
  });

  it('keeps retrying while the cloud is not there, saying so once, and connects when it comes', async () => {
    const port = await freePort();
    connect(`ws://127.0.0.1:${port}/local`, { backoff: { initialDelayMs: 10, maxDelayMs: 20 } });
    await eventually(() => expect(logger.matching(/Cannot connect/).length).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 150));

    cloud = await TestCloud.start({ port });
    await connections(1);

    expect(logger.matching(/Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/local \(connect ECONNREFUSED/)).toHaveLength(1);
    await eventually(() => expect(logger.matching(/^Connected to ws:\/\/127\.0\.0\.1:\d+\/local\.$/)).toHaveLength(1));
  });

  it('explains a refused token without ever logging it', async () => {
    cloud = await TestCloud.start({ refuseWith: 401 });
    connect(cloud.url);

    await eventually(() => expect(logger.matching(/HTTP 401: the cloud refused the agent token; check SIDETAIL_AGENT_TOKEN/)).toHaveLength(1));
    expect(logger.lines.some((line) => line.msg.includes('to&ken'))).toBe(false);
  });

  it('logs and ignores malformed frames from the cloud, and keeps the connection', async () => {
    cloud = await TestCloud.start();
    cloud.confirmsRegistrations = false;
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));
    const start = { action: 'log.stream.start', containerId: 'c1', tail: 10, epoch: 1 };

    cloud.last.send('not json at all');
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'c1' }));
    cloud.last.send(JSON.stringify({ action: 'surprise' }));
    cloud.last.send(Buffer.from([1, 2, 3]), true);
    cloud.last.send(JSON.stringify(start));

    await eventually(() => expect(received).toEqual([start]));
    expect(logger.matching(/^Ignored a message from the cloud \(malformed\): not JSON/)).toHaveLength(1);
    expect(logger.matching(/^Ignored a message from the cloud \(malformed\): invalid message: tail/)).toHaveLength(1);
    expect(logger.matching(/^Ignored a message from the cloud \(malformed\): invalid message/)).toHaveLength(2);
    expect(logger.matching(/^Ignored a binary frame of 3 bytes/)).toHaveLength(1);
    expect(cloud.connections).toHaveLength(1);
    expect(connection!.connected).toBe(true);
  });

  it('hands API Gateway\'s own error frames to onGatewayError, logs nothing of its own for them, and keeps the connection', async () => {
    cloud = await TestCloud.start();
    cloud.confirmsRegistrations = false;
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));
    const start = { action: 'log.stream.start', containerId: 'c1', tail: 10, epoch: 1 };

    cloud.last.send(gatewayErrorFrame('Too Many Requests', 'XDmENcnwIE0CFEQ=', 'XDmGEE2RoE0FRdQ='));
    cloud.last.send(gatewayErrorFrame('Internal server error', 'XDmENcnwIE0CFEQ=', 'XDmGEE2RoE0FRdR='));
    cloud.last.send(JSON.stringify(start));

    await eventually(() => expect(received).toEqual([start]));
    expect(gatewayErrors).toEqual([
      { message: 'Too Many Requests', transient: true },
      { message: 'Internal server error', transient: true },
    ]);
    expect(logger.lines.filter((line) => line.level !== 'info')).toEqual([]);
    expect(connection!.connected).toBe(true);
  });

  it('sends a ping heartbeat and stays connected while the cloud answers', async () => {
    cloud = await TestCloud.start();
    cloud.connectionsAnswerPings = true;
    // Long enough that a busy event loop cannot delay the pong past the next beat.
    connect(cloud.url, { heartbeatMs: 250 });

    await vi.waitFor(() => expect(cloud!.last.actions.filter((a) => a === 'ping').length).toBeGreaterThanOrEqual(3), { timeout: 5000 });

    expect(cloud.connections).toHaveLength(1);
  });

  it('treats a heartbeat left unanswered as a dead connection and reconnects', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url, { heartbeatMs: 40, heartbeatTimeoutMs: 40 });

    await connections(2);

    expect(logger.matching(/did not answer a heartbeat/).length).toBeGreaterThanOrEqual(1);
  });

  it('reports congestion while written bytes are above the high-water mark, and calls back once they are out', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url, { highWaterMarkBytes: 1000 });
    await eventually(() => expect(connection!.connected).toBe(true));
    const drained = vi.fn();

    connection!.send(batch(1, 'x'.repeat(50_000)));
    const congested = connection!.isCongested();
    connection!.onceDrained(drained);

    expect(congested).toBe(true);
    await eventually(() => expect(drained).toHaveBeenCalledTimes(1));
    expect(connection!.isCongested()).toBe(false);
    expect(connection!.bufferedAmount).toBe(0);
  });

  it('stop() closes the connection normally and does not reconnect', async () => {
    cloud = await TestCloud.start();
    connect(cloud.url);
    await eventually(() => expect(connection!.connected).toBe(true));

    await connection!.stop();
    await eventually(() => expect(cloud!.last.closeCode).toBe(1000));
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(cloud.connections).toHaveLength(1);
  });
});
