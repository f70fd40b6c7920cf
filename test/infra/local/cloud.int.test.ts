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

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ agentToken: 'agent-secret', viewerToken: 'viewer-secret', logger: silentLogger });
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
    expect([cloud.agentToken, cloud.viewerToken]).toEqual(['agent-secret', 'viewer-secret']);
  });

  it.each([
    ['a wrong viewer token', 'viewer', 'nope', 401],
    ['the agent token used as a viewer', 'viewer', 'agent-secret', 401],
    ['an unknown role', 'admin', 'viewer-secret', 400],
  ])('refuses the handshake for %s', async (_case, role, token, status) => {
    expect(await refusedStatus(cleanup, url(role, token))).toBe(status);
  });

  it('answers a viewer\'s ping with pong through the real handlers and @connections', async () => {
    const viewer = await openClient(cleanup, url('viewer', 'viewer-secret'));

    viewer.ws.send('{"action":"ping"}');

    expect(await nextOf(viewer, 'pong')).toEqual({ action: 'pong' });
  });

  it('shows a registered agent in the inventory a viewer asks for', async () => {
    const agent = await openClient(cleanup, url('agent', 'agent-secret'));
    const viewer = await openClient(cleanup, url('viewer', 'viewer-secret'));
    agent.ws.send(
      JSON.stringify({ action: 'agent.register', agentId: 'cloud-test-host', hostName: 'cloud-test-host', agentVersion: 'test', containers: [] }),
    );
    // The cloud answers an agent without subscribers with nothing, so the viewer asks until the
    // registration shows (each answer is a fresh read of the store).
    let hosts: { agentId: string; online: boolean }[] = [];
    while (!hosts.some((h) => h.agentId === 'cloud-test-host')) {
      viewer.ws.send('{"action":"inventory.get"}');
      hosts = (await nextOf(viewer, 'inventory')).hosts as typeof hosts;
    }

    expect(hosts.find((h) => h.agentId === 'cloud-test-host')).toMatchObject({ online: true });
  });

  it('refuses a second cloud with another configuration in the same process', async () => {
    await expect(startLocalCloud({ logger: silentLogger })).rejects.toBeInstanceOf(LambdaEnvironmentConflictError);
  });
});
