/**
 * The agent's status report end to end: the real agent reports (scaled down to every 300 ms), the
 * local gateway routes agent.status to its handler, the host record on dynalite keeps it, and a
 * viewer gets it with the host in `inventory` and in `host` when it is news (issue 8, honest status).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dockerFromHost } from '../../agent/docker/docker-client';
import type { HostUpdate, Inventory } from '../../protocol';
import { startLifecycleStack, waitUntil, type LifecycleStack } from './lifecycle-stack';

describe('the agent\'s status report', () => {
  let stack: LifecycleStack | undefined;

  afterAll(async () => {
    await stack?.stop();
  });

  it('is stored on the host record and reaches viewers with the host', async () => {
    const startedAt = Date.now();
    stack = await startLifecycleStack(dockerFromHost(inject('dockerHost')), 'status-host', { tuning: { statusIntervalMs: 300 } });

    await waitUntil(async () => (await stack!.agents.get('status-host'))?.status !== undefined, 'a report is stored');
    stack.viewer.send({ action: 'inventory.get' });
    const inventory = (await stack.viewer.waitFor((m) => m.action === 'inventory')) as Inventory;
    const host = await stack.viewer.waitFor((m): m is HostUpdate => m.action === 'host' && m.host.status !== undefined);

    const stored = (await stack.agents.get('status-host'))!.status!;
    expect(stored).toMatchObject({ lagMs: 0, pendingLines: 0, skipped: {} });
    expect(stored.since).toBeGreaterThanOrEqual(startedAt);
    expect(inventory.hosts.find((h) => h.agentId === 'status-host')?.status).toMatchObject({ since: stored.since, skipped: {} });
    expect(host.host.status).toMatchObject({ since: stored.since, lagMs: 0 });
  });
});
