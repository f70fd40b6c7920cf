/**
 * The local cloud end to end: dynalite, the gateway and the real Lambda handlers. The handlers
 * keep their configuration for the life of the process (like a Lambda container), so this file
 * starts one cloud for all its tests.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud';
import { LambdaEnvironmentConflictError } from '../../../infra/local/lambda-environment';
import { silentLogger } from '../../../infra/local/logger';
import { Cleanup, openClient, refusedStatus, type TestClient } from './gateway-test-kit';

/** Fixed tokens, as SIDETAIL_AGENT_TOKEN / SIDETAIL_VIEWER_TOKEN give them. */
const AGENT_TOKEN = `cloud-agent.${'a'.repeat(40)}`;
const VIEWER_TOKEN = `cloud-viewer.${'v'.repeat(40)}`;

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ agentId: 'cloud-test-host', agentToken: AGENT_TOKEN, viewerToken: VIEWER_TOKEN, logger: silentLogger });
});
afterAll(() => cloud?.stop());

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const url = (role: string, token: string) => `${cloud.wsUrl}?role=${role}&token=${encodeURIComponent(token)}`;

/** The next message with the given action, skipping others (e.g. inventory broadcasts). */
async function nextOf(client: TestClient, action: string): Promise<Record<string, unknown>> {
  for (;;) {
    const message = JSON.parse(await client.nextMessage()) as Record<string, unknown>;
    if (message.action === action) return message;
  }
}

describe('local cloud', () => {
  it('serves the gateway at ws://127.0.0.1:PORT/local with the tokens it was given', () => {
    expect(cloud.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/local$/);
    expect(cloud.connectionsEndpoint).toBe(cloud.wsUrl.replace('ws:', 'http:'));
    expect([cloud.agentToken, cloud.viewerToken]).toEqual([AGENT_TOKEN, VIEWER_TOKEN]);
  });

  it.each([
    ['a wrong viewer token', 'viewer', `cloud-viewer.${'x'.repeat(40)}`, 403],
    ['the agent token used as a viewer', 'viewer', AGENT_TOKEN, 403],
    ['a token that is no token', 'viewer', 'nope', 403],
    ['no token', 'viewer', '', 401],
  ])('refuses the handshake for %s (the authorizer runs before $connect)', async (_case, role, token, status) => {
    expect(await refusedStatus(cleanup, url(role, token))).toBe(status);
  });

  it('answers a viewer\'s ping with pong through the real handlers and @connections', async () => {
    const viewer = await openClient(cleanup, url('viewer', VIEWER_TOKEN));

    viewer.ws.send('{"action":"ping"}');

    expect(await nextOf(viewer, 'pong')).toEqual({ action: 'pong' });
  });

  it('shows a registered agent in the inventory a viewer asks for, under its credential\'s agent id', async () => {
    const agent = await openClient(cleanup, url('agent', AGENT_TOKEN));
    const viewer = await openClient(cleanup, url('viewer', VIEWER_TOKEN));
    agent.ws.send(JSON.stringify({ action: 'agent.register', hostName: 'cloud-test-host', agentVersion: 'test', containers: [] }));
    expect(await nextOf(agent, 'agent.registered')).toEqual({ action: 'agent.registered', agentId: 'cloud-test-host', watched: [] });
    // The cloud answers an agent without subscribers with nothing, so the viewer asks until the
    // registration shows (each answer is a fresh read of the store).
    let hosts: { agentId: string; online: boolean }[] = [];
    while (!hosts.some((h) => h.agentId === 'cloud-test-host')) {
      viewer.ws.send('{"action":"inventory.get"}');
      hosts = (await nextOf(viewer, 'inventory')).hosts as typeof hosts;
    }

    expect(hosts.find((h) => h.agentId === 'cloud-test-host')).toMatchObject({ online: true });
  });

  it('mints more credentials on demand: a second agent registers as its own host', async () => {
    const token = await cloud.mint({ role: 'agent', agentId: 'second-host' });
    const agent = await openClient(cleanup, url('agent', token));

    agent.ws.send(JSON.stringify({ action: 'agent.register', hostName: 'second', agentVersion: 'test', containers: [] }));

    expect(await nextOf(agent, 'agent.registered')).toEqual({ action: 'agent.registered', agentId: 'second-host', watched: [] });
  });

  it('refuses a second cloud with another configuration in the same process', async () => {
    await expect(startLocalCloud({ logger: silentLogger })).rejects.toBeInstanceOf(LambdaEnvironmentConflictError);
  });
});
