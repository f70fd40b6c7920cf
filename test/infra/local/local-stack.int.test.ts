/**
 * What `npm start` runs, on real parts: the local cloud, the static server and the real agent on
 * the test run's private Docker engine. One stack per file: the handlers keep their configuration
 * for the life of the process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PortInUseError } from '../../../infra/local/listen';
import { startLocalStack, type LocalStack } from '../../../infra/local/local-stack';
import { silentLogger } from '../../../infra/local/logger';
import { Cleanup, openClient } from './gateway-test-kit';

const quietAgent = { info: () => {}, warn: () => {}, error: () => {} };
/** A fixed viewer token, as SIDETAIL_VIEWER_TOKEN gives one: stored as a credential of that id. */
const VIEWER_TOKEN = `stack-viewer.${'v'.repeat(40)}`;
let webRoot: string;
let stack: LocalStack;

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'sidetail-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Sidetail</title>');
  stack = await startLocalStack(
    { port: 0, gatewayPort: 0, host: '127.0.0.1', agentId: 'stack-test-host', dockerHost: inject('dockerHost'), viewerToken: VIEWER_TOKEN },
    { webRoot, logger: silentLogger, agentLogger: quietAgent },
  );
});
afterAll(async () => {
  await stack?.stop();
  await rm(webRoot, { recursive: true, force: true });
});

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the local stack (npm start)', () => {
  it('serves the dashboard and a config.json that points it at the local WebSocket API', async () => {
    const index = await fetch(stack.dashboardUrl);
    const config = await fetch(new URL('config.json', stack.dashboardUrl));

    expect(await index.text()).toContain('<title>Sidetail</title>');
    expect(await config.json()).toEqual({ wsUrl: stack.cloud.wsUrl });
  });

  it('mints the local agent a credential of its own, for the agent id it shows as', () => {
    expect(stack.cloud.agentId).toBe('stack-test-host');
    expect(stack.cloud.agentToken).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(stack.cloud.viewerToken).toBe(VIEWER_TOKEN);
  });

  it('runs an agent on the local Docker engine that registers with the local cloud', async () => {
    const viewer = await openClient(cleanup, `${stack.cloud.wsUrl}?role=viewer&token=${VIEWER_TOKEN}`);
    let hosts: { agentId: string; online: boolean }[] = [];
    while (!hosts.some((h) => h.agentId === 'stack-test-host' && h.online)) {
      viewer.ws.send('{"action":"inventory.get"}');
      let message: { action: string; hosts?: typeof hosts };
      do message = JSON.parse(await viewer.nextMessage()) as typeof message;
      while (message.action !== 'inventory');
      hosts = message.hosts!;
    }

    expect(hosts.find((h) => h.agentId === 'stack-test-host')).toMatchObject({ online: true });
  });

  it.each([
    ['the dashboard', 'port'],
    ['the WebSocket API', 'gatewayPort'],
  ] as const)('fails with PortInUseError when the port of %s is taken, and frees the other', async (_case, which) => {
    const taken = await blockedPort();
    const free = await freePort();
    const ports = which === 'port' ? { port: taken, gatewayPort: free } : { port: free, gatewayPort: taken };

    const start = startLocalStack(
      { ...ports, host: '127.0.0.1', dockerHost: inject('dockerHost') },
      { webRoot, logger: silentLogger, agentLogger: quietAgent },
    );

    await expect(start).rejects.toBeInstanceOf(PortInUseError);
    await expect(start).rejects.toMatchObject({ port: taken });
    expect(await canListen(free)).toBe(true);
  });
});

async function blockedPort(): Promise<number> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  cleanup.add(() => new Promise((resolve) => blocker.close(resolve)));
  return (blocker.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function canListen(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
