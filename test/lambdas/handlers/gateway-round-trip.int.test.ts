/**
 * The real handlers behind the local API Gateway emulator, on dynalite, through real WebSockets
 * and the real @connections API (PostToConnection, 410 for a gone connection).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLIENT_ACTIONS, type CloudToAgent, type CloudToViewer, type LogFetched, type LogLine } from '../../../protocol';
import { agentBatch, linesOfPacked } from '../../support/packed-batches';
import { loadConfig } from '../../../lambdas/config';
import { ManagementApiClients } from '../../../lambdas/adapters/management-api-clients';
import { ManagementApiMessenger } from '../../../lambdas/adapters/management-api-messenger';
import { EncodedMessage } from '../../../lambdas/domain/encoded-message';
import { subscribersPk } from '../../../lambdas/adapters/keys';
import { DynamoCredentials } from '../../../lambdas/adapters/dynamo-credentials';
import { ManagementApiCloser } from '../../../lambdas/adapters/management-api-closer';
import { mintCredential, type CredentialRequest } from '../../../lambdas/domain/mint-credential';
import { authorizerHandler } from '../../../lambdas/handlers/authorize';
import { connectHandler } from '../../../lambdas/handlers/connect';
import { AUTHORIZER_ENTRY } from '../../../lambdas/route-table';
import { runCredentialsCommand } from '../../../infra/credentials/credentials-command';
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

const container = { id: 'c1', name: 'api', image: 'acme/api', state: 'running', status: 'Up', createdAt: 1, tty: false };
const line = (seq: number) => ({ seq, ts: `2026-11-25T12:00:0${seq}.000000000Z`, stream: 'stdout', text: `line ${seq}` }) as const;
/** The agent's log.batch of these lines of c1. */
const batchOf = (epoch: number, lines: readonly LogLine[]) => agentBatch('c1', epoch, lines);

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
  let credentials: DynamoCredentials;
  let credentialsClient: ReturnType<typeof createDocumentClient>;
  let AGENT_TOKEN: string;
  let VIEWER_TOKEN: string;
  const clients: Client[] = [];
  const clock = { now: () => Date.now() };
  const mint = async (request: CredentialRequest) => (await mintCredential({ credentials, clock }, request)).token;

  beforeEach(async () => {
    store = await startLocalStore();
    gateway = await startLocalGateway({ logger: silentLogger });
    credentialsClient = createDocumentClient({ endpoint: store.endpoint, region: store.region });
    credentials = new DynamoCredentials({ client: credentialsClient, tableName: store.tableName, clock });
    AGENT_TOKEN = await mint({ role: 'agent', agentId: 'host-1' });
    VIEWER_TOKEN = await mint({ role: 'viewer' });
    runtime = createRuntime(
      loadConfig({
        TABLE_NAME: store.tableName,
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
    gateway.setAuthorizer({ handler: authorizerHandler(runtime.authorizerDeps), identitySource: AUTHORIZER_ENTRY.identitySourceQuery });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await gateway.stop();
    runtime.destroy();
    credentialsClient.destroy();
    await store.stop();
  });

  const open = async (role: string, token: string) => {
    const client = await Client.open(`${gateway.wsUrl}?role=${role}&token=${token}`);
    clients.push(client);
    return client;
  };

  const registeredAgent = async (token = AGENT_TOKEN, agentId = 'host-1', body: Record<string, unknown> = {}) => {
    const agent = await open('agent', token);
    agent.send({ action: 'agent.register', hostName: `${agentId}.local`, agentVersion: '0.1.0', containers: [container], ...body });
    expect(await agent.next()).toEqual({ action: 'agent.registered', agentId, watched: [] });
    return agent;
  };
  /** A viewer subscribed to c1 of a registered host-1, its history received, and the stream's epoch from the agent's start. */
  const viewerWatchingC1 = async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    expect(await viewer.next()).toMatchObject({ action: 'host' });
    expect(await viewer.next()).toMatchObject({ action: 'host.containers' });
    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toMatchObject({ action: 'log.history', done: true });
    const { epoch } = (await agent.next()) as { action: string; epoch: number };
    return { viewer, agent, epoch };
  };

  it.each([
    ['no token', 401, () => 'role=viewer'],
    ['an empty token', 401, () => 'role=viewer&token='],
    ['a token of no credential', 403, () => `role=viewer&token=0123456789abcdef.${'x'.repeat(43)}`],
    ['a wrong secret', 403, () => `role=viewer&token=${VIEWER_TOKEN.split('.')[0]}.${'x'.repeat(43)}`],
    ['an agent token used as a viewer', 403, () => `role=viewer&token=${AGENT_TOKEN}`],
  ])('refuses a handshake with %s (HTTP %s)', async (_name, status, query) => {
    expect(await refusedStatus(`${gateway.wsUrl}?${query()}`)).toBe(status);
  });

  it('registers an agent as the host of its credential, whatever agent id its message claims (issue 7 defect 1)', async () => {
    const victim = await registeredAgent();
    const viewer = await open('viewer', VIEWER_TOKEN);
    const intruderToken = await mint({ role: 'agent', agentId: 'intruder' });

    const intruder = await registeredAgent(intruderToken, 'intruder', { agentId: 'host-1', containers: [] });
    intruder.send(batchOf(1, [line(1)]));
    expect(await intruder.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 1 });
    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });

    // host-1's history has none of the intruder's lines, and its stream starts on host-1's own connection.
    expect(await viewer.next()).toMatchObject({ action: 'host', host: { agentId: 'intruder' } });
    expect(await viewer.next()).toEqual({ action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true });
    expect(await victim.next()).toEqual({ action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, epoch: expect.any(Number) });
  });

  it('closes a revoked agent\'s open connection and refuses its next handshake with 403', async () => {
    const agent = await registeredAgent();
    const managementClients = new ManagementApiClients({ local: true });
    const closer = new ManagementApiCloser(managementClients.clientFor(gateway.connectionsEndpoint));
    const output: string[] = [];

    const code = await runCredentialsCommand(
      { name: 'revoke', credentialId: AGENT_TOKEN.split('.')[0]! },
      { credentials, closer, clock, out: (line) => output.push(line) },
    ).finally(() => managementClients.destroy());

    expect(code).toBe(0);
    expect(output).toEqual([`Revoked ${AGENT_TOKEN.split('.')[0]}; closed 1 live connection.`]);
    await agent.closed;
    // Within the authorizer's cache window the authorizer still allows it; $connect's own check refuses.
    expect(await refusedStatus(`${gateway.wsUrl}?role=agent&token=${AGENT_TOKEN}`)).toBe(403);
  });

  it('carries a line from the agent to a subscribed viewer: history, start, live batch, ack', async () => {
    const viewer = await open('viewer', VIEWER_TOKEN);
    const agent = await registeredAgent();
    // The registration's broadcast: from here on the host is known.
    expect(await viewer.next()).toMatchObject({ action: 'host', host: { agentId: 'host-1', online: true } });
    expect(await viewer.next()).toMatchObject({ action: 'host.containers', agentId: 'host-1', upsert: [container], remove: [] });
    viewer.send({ action: 'inventory.get' });
    expect(await viewer.next()).toMatchObject({ action: 'inventory', hosts: [{ agentId: 'host-1' }], done: true });

    viewer.send({ action: 'log.subscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await viewer.next()).toEqual({ action: 'log.history', agentId: 'host-1', containerId: 'c1', batches: [], done: true });
    const start = await agent.next();
    expect(start).toEqual({ action: 'log.stream.start', containerId: 'c1', tail: 1000, catchUp: true, epoch: expect.any(Number) });
    const { epoch } = start as { epoch: number };

    agent.send(batchOf(epoch, [line(1), line(2)]));
    expect(await viewer.next()).toEqual({ ...batchOf(epoch, [line(1), line(2)]), agentId: 'host-1' });
    expect(await agent.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 2 });

    viewer.send({ action: 'log.unsubscribe', agentId: 'host-1', containerId: 'c1' });
    expect(await agent.next()).toEqual({ action: 'log.stream.stop', containerId: 'c1' });
  });

  it('answers log.fetch with the stored lines of the range, so a viewer that missed a broadcast closes its gap', async () => {
    const { viewer, agent, epoch } = await viewerWatchingC1();
    for (const seqs of [[1, 2], [3, 4], [5, 6]]) {
      agent.send(batchOf(epoch, seqs.map(line)));
      expect(await viewer.next()).toMatchObject({ action: 'log.batch' });
      expect(await agent.next()).toMatchObject({ action: 'log.ack', seq: seqs[1] });
    }

    viewer.send({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 1, toSeq: 4 });

    const fetched = (await viewer.next()) as LogFetched;
    expect(fetched).toEqual({ action: 'log.fetched', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 1, toSeq: 4, batches: expect.any(Array), done: true });
    expect(linesOfPacked(fetched.batches)).toEqual([1, 2, 3, 4].map(line));
  });

  it('refuses a different batch at a stored seq with conflict, naming it, and keeps the stored lines', async () => {
    const { viewer, agent, epoch } = await viewerWatchingC1();
    agent.send(batchOf(epoch, [line(1), line(2)]));
    expect(await agent.next()).toMatchObject({ action: 'log.ack', seq: 2 });

    agent.send(batchOf(epoch, [{ ...line(1), text: 'renumbered' }]));

    expect(await agent.next()).toMatchObject({ action: 'error', code: 'conflict', containerId: 'c1', firstSeq: 1, lastSeq: 1, retry: false });
    viewer.send({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 0, toSeq: 2 });
    expect(await viewer.next()).toMatchObject({ action: 'log.batch' });
    expect(linesOfPacked(((await viewer.next()) as LogFetched).batches)).toEqual([line(1), line(2)]);
  });

  it('takes a batch in parts: holds and acks each part, stores the joined batch as binary, broadcasts every part, serves it whole', async () => {
    const { viewer, agent, epoch } = await viewerWatchingC1();
    const whole = batchOf(epoch, Array.from({ length: 9 }, (_, i) => ({ ...line(i + 1), text: `line ${i + 1} `.repeat(40 + i) })));
    const bytes = Buffer.from(whole.data, 'base64');
    const half = Math.ceil(bytes.length / 2);
    const parts = [bytes.subarray(0, half), bytes.subarray(half)].map((piece, index) => ({ ...whole, data: piece.toString('base64'), part: { index, count: 2 } }));

    agent.send(parts[0]!);
    expect(await agent.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 9, part: 0 });
    agent.send(parts[1]!);

    expect(await viewer.next()).toEqual({ ...parts[0], agentId: 'host-1' });
    expect(await viewer.next()).toEqual({ ...parts[1], agentId: 'host-1' });
    expect(await agent.next()).toEqual({ action: 'log.ack', containerId: 'c1', seq: 9 });
    viewer.send({ action: 'log.fetch', agentId: 'host-1', containerId: 'c1', epoch, afterSeq: 0, toSeq: 9 });
    expect(((await viewer.next()) as LogFetched).batches).toEqual([{ firstSeq: 1, lastSeq: 9, data: whole.data }]);
  });

  it.each([
    ['text that is not JSON', 'malformed', 'hello'],
    ['an action nobody serves', 'unknown_action', JSON.stringify({ action: 'log.delete' })],
    ['log.batch from a viewer', 'forbidden', JSON.stringify(batchOf(1, [line(1)]))],
  ])('answers %s with error %s on the same connection', async (_name, code, body) => {
    const viewer = await open('viewer', VIEWER_TOKEN);

    viewer.send(body);

    expect(await viewer.next()).toMatchObject({ action: 'error', code });
  });

  it('removes a subscriber whose post answers 410, when its $disconnect never came', async () => {
    const { viewer, agent, epoch } = await viewerWatchingC1();
    // API Gateway's $disconnect is best effort: pretend this one is lost.
    const lostDisconnect: WebSocketHandler = async () => ({ statusCode: 200 });
    gateway.setRoutes({ ...routes, $disconnect: lostDisconnect });
    await viewer.close();
    const reader = createDocumentClient({ endpoint: store.endpoint, region: store.region });
    const subscribers = async () =>
      (await reader.send(new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': subscribersPk({ agentId: 'host-1', containerId: 'c1' }) } }))).Items ?? [];
    expect(await subscribers()).toHaveLength(1);

    agent.send(batchOf(epoch, [line(1)]));

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
