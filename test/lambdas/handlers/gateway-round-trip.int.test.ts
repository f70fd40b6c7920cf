/**
 * The real handlers behind the local API Gateway emulator, on dynalite, through real WebSockets
 * and the real @connections API (PostToConnection, 410 for a gone connection).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLIENT_ACTIONS, type CloudToAgent, type CloudToViewer } from '../../../protocol';
import { loadConfig } from '../../../lambdas/config';
import { ManagementApiClients } from '../../../lambdas/adapters/management-api-clients';
import { ManagementApiMessenger } from '../../../lambdas/adapters/management-api-messenger';
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import { subscribersPk } from '../../../lambdas/adapters/keys';
import { connectHandler } from '../../../lambdas/handlers/connect';
import { defaultHandler } from '../../../lambdas/handlers/default';
import { disconnectHandler } from '../../../lambdas/handlers/disconnect';
import { messageHandler } from '../../../lambdas/handlers/message-handler';
import { createRuntime, type Runtime } from '../../../lambdas/handlers/runtime';
import type { WebSocketHandler } from '../../../lambdas/handlers/websocket-event';
import { startLocalGateway, type GatewayRoutes, type LocalGateway } from '../../../infra/local/gateway';
import { silentLogger } from '../../../infra/local/logger';
import { startLocalStore, type LocalStore } from '../../../infra/local/store';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lambdas/adapters/document-client';

const AGENT_TOKEN = 'agent-token';
const VIEWER_TOKEN = 'viewer-token';
const container = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const line = (seq: number) => ({ seq, ts: `2026-11-25T12:00:0${seq}.000000000Z`, stream: 'stdout', text: `line ${seq}` }) as const;

type Received = CloudToAgent | CloudToViewer;

/** A WebSocket client with a queue of parsed messages. */
class Client {
  private readonly queue: Received[] = [];
  private readonly waiting: ((message: Received) => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as Received;
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next(): Promise<Received> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await this.closed;
  }
}

/** The HTTP status a refused handshake answered with. */
function refusedStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.on('error', () => {});
  });
}

describe('handlers behind the local gateway', () => {
  let store: LocalStore;
  let gateway: LocalGateway;
  let runtime: Runtime;
  let routes: GatewayRoutes;
  const clients: Client[] = [];

  beforeEach(async () => {
    store = await startLocalStore();
    gateway = await startLocalGateway({ logger: silentLogger });
    runtime = createRuntime(
      loadConfig({
        TABLE_NAME: store.tableName,
        AGENT_TOKEN,
        VIEWER_TOKEN,
        DYNAMODB_ENDPOINT: store.endpoint,
        CONNECTIONS_ENDPOINT: gateway.connectionsEndpoint,
        AWS_REGION: store.region,
      }),
    );
    routes = {
      $connect: connectHandler(runtime.deps),
      $disconnect: disconnectHandler(runtime.deps),
      $default: defaultHandler(runtime.deps),
      ...Object.fromEntries(CLIENT_ACTIONS.map((action) => [action, messageHandler(action, runtime.deps)])),
    };
    gateway.setRoutes(routes);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await gateway.stop();
    runtime.destroy();
    await store.stop();
  });

  const open = async (role: string, token: string) => {
    const client = await Client.open(`${gateway.wsUrl}?role=${role}&token=${token}`);
    clients.push(client);
    return client;
  };

  const registeredAgent = async () => {
    const agent = await open('agent', AGENT_TOKEN);
    agent.send({ action: 'agent.register', agentId: 'host-1', hostName: 'host-1.local', agentVersion: '0.1.0', containers: [container] });
    expect(await agent.next()).toEqual({ action: 'agent.registered', agentId: 'host-1' });
    return agent;
  };

  it.each([
    ['a wrong token', 401, `role=viewer&token=nope`],
    ['an unknown role', 400, `role=admin&token=${VIEWER_TOKEN}`],
  ])('refuses a handshake with %s (HTTP %s)', async (_name, status, query) => {
    expect(await refusedStatus(`${gateway.wsUrl}?${query}`)).toBe(status);
  });

  it('carries a line from the agent to a subscribed viewer: history, start, live batch, ack', async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    // The registration's broadcast: from here on the host is known.
    expect(await viewer.next()).toMatchObject({ action: 'host', host: { agentId: 'host-1', online: true, containers: [container] } });
    viewer.send({ action: 'inventory.get' });
    expect(await viewer.next()).toMatchObject({ action: 'inventory', hosts: [{ agentId: 'host-1' }], done: true });

    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toEqual({ action: 'log.history', agentId: 'host-1', containerId: 'c1', lines: [], done: true });
    const start = await agent.next();
    expect(start).toEqual({ action: 'log.stream.start', containerId: 'c1', tail: 1000, epoch: expect.any(Number) });
    const { epoch } = start as { epoch: number };

    agent.send({ action: 'log.batch', containerId: 'c1', epoch, lines: [line(1), line(2)] });
    expect(await viewer.next()).toEqual({ action: 'log.batch', agentId: 'host-1', containerId: 'c1', epoch, lines: [line(1), line(2)] });
    expect(await agent.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 2 });

    viewer.send({ action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await agent.next()).toEqual({ action: 'log.stream.stop', containerId: 'c1' });
  });

  it('answers log.fetch with the stored lines of the range, so a viewer that missed a broadcast closes its gap', async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    expect(await viewer.next()).toMatchObject({ action: 'host' });
    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toMatchObject({ action: 'log.history', done: true });
    const { epoch } = (await agent.next()) as { action: string; epoch: number };
    for (const seqs of [[1, 2], [3, 4], [5, 6]]) {
      agent.send({ action: 'log.batch', containerId: 'c1', epoch, lines: seqs.map(line) });
      expect(await viewer.next()).toMatchObject({ action: 'log.batch' });
      expect(await agent.next()).toMatchObject({ action: 'log.ack', seq: seqs[1] });
    }

    viewer.send({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 1, toSeq: 4 });

    expect(await viewer.next()).toEqual({
      action: 'log.fetched', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 1, toSeq: 4, lines: [2, 3, 4].map(line), done: true,
    });
  });

  it('refuses a different batch at a stored seq with conflict, naming it, and keeps the stored lines', async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    expect(await viewer.next()).toMatchObject({ action: 'host' });
    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toMatchObject({ action: 'log.history', done: true });
    const { epoch } = (await agent.next()) as { action: string; epoch: number };
    agent.send({ action: 'log.batch', containerId: 'c1', epoch, lines: [line(1), line(2)] });
    expect(await agent.next()).toMatchObject({ action: 'log.ack', seq: 2 });

    agent.send({ action: 'log.batch', containerId: 'c1', epoch, lines: [{ ...line(1), text: 'renumbered' }] });

    expect(await agent.next()).toMatchObject({ action: 'error', code: 'conflict', containerId: 'c1', firstSeq: 1, lastSeq: 1, retry: false });
    viewer.send({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 0, toSeq: 2 });
    expect(await viewer.next()).toMatchObject({ action: 'log.batch' });
    expect(await viewer.next()).toMatchObject({ action: 'log.fetched', lines: [line(1), line(2)] });
  });

  it.each([
    ['text that is not JSON', 'malformed', 'hello'],
    ['an action nobody serves', 'unknown_action', JSON.stringify({ action: 'log.delete' })],
    ['log.batch from a viewer', 'forbidden', JSON.stringify({ action: 'log.batch', containerId: 'c1', epoch: 1, lines: [line(1)] })],
  ])('answers %s with error %s on the same connection', async (_name, code, body) => {
    const viewer = await open('viewer', VIEWER_TOKEN);

    viewer.send(body);

    expect(await viewer.next()).toMatchObject({ action: 'error', code });
  });

  it('removes a subscriber whose post answers 410, when its $disconnect never came', async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    expect(await viewer.next()).toMatchObject({ action: 'host' });
    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toMatchObject({ action: 'log.history', done: true });
    const { epoch } = (await agent.next()) as { action: string; epoch: number };
    // API Gateway's $disconnect is best effort: pretend this one is lost.
    const lostDisconnect: WebSocketHandler = async () => ({ statusCode: 200 });
    gateway.setRoutes({ ...routes, $disconnect: lostDisconnect });
    await viewer.close();
    const reader = createDocumentClient({ endpoint: store.endpoint, region: store.region });
    const subscribers = async () =>
      (await reader.send(new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': subscribersPk({ agentId: 'host-1', containerId: 'c1' }) } }))).Items ?? [];
    expect(await subscribers()).toHaveLength(1);

    agent.send({ action: 'log.batch', containerId: 'c1', epoch, lines: [line(1)] });

    // The broadcast found the viewer gone: after the ack, its subscription is deleted and the agent told to stop.
    expect(await agent.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 1 });
    expect(await agent.next()).toEqual({ action: 'log.stream.stop', containerId: 'c1' });
    expect(await subscribers()).toEqual([]);
    reader.destroy();
  });
});

describe('ManagementApiMessenger against the local @connections API', () => {
  let gateway: LocalGateway;
  let clients: ManagementApiClients;
  const connected: string[] = [];
  beforeEach(async () => {
    gateway = await startLocalGateway({
      logger: silentLogger,
      routes: {
        $connect: async (event) => {
          connected.push(event.requestContext.connectionId);
          return { statusCode: 200 };
        },
      },
    });
    clients = new ManagementApiClients({ local: true });
  });
  afterEach(async () => {
    await gateway.stop();
    clients.destroy();
    connected.length = 0;
  });

  it("delivers to an open connection, and answers 'gone' once it has closed", async () => {
    const messenger = new ManagementApiMessenger(clients.clientFor(gateway.connectionsEndpoint));
    const client = await Client.open(gateway.wsUrl);
    const connectionId = connected[0]!;

    expect(await messenger.send(connectionId, { action: 'pong' })).toBe('sent');
    expect(await client.next()).toEqual({ action: 'pong' });

    await client.close();
    expect(await messenger.send(connectionId, { action: 'pong' })).toBe('gone');
  });

  it('posts an encoded broadcast as its text, unchanged', async () => {
    const messenger = new ManagementApiMessenger(clients.clientFor(gateway.connectionsEndpoint));
    const client = await Client.open(gateway.wsUrl);
    const message = { action: 'log.stream.stop', containerId: 'c1' } as const;

    expect(await messenger.send(connected[0]!, EncodedMessage.of(message))).toBe('sent');
    expect(await client.next()).toEqual(message);
    await client.close();
  });

  it("answers 'gone' for a connection that never existed", async () => {
    const messenger = new ManagementApiMessenger(clients.clientFor(gateway.connectionsEndpoint));

    expect(await messenger.send('no-such-connection', { action: 'pong' })).toBe('gone');
  });

  it('reuses one client per endpoint', () => {
    expect(clients.clientFor(gateway.connectionsEndpoint)).toBe(clients.clientFor(gateway.connectionsEndpoint));
  });
});
