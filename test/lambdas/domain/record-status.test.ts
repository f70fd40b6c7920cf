import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentStatus, ReportedStatus } from '../../../protocol';
import { getInventory } from '../../../lambdas/domain/get-inventory';
import { isNews, recordStatus } from '../../../lambdas/domain/record-status';
import { registerAgent } from '../../../lambdas/domain/register-agent';
import { addAgent, addViewer, createWorld, NOW, type World } from './in-memory-deps';

const agentCaller = { connectionId: 'agent-conn', role: 'agent', agentId: 'host-1', requestTime: NOW, connectedAt: NOW } as const;
const viewer = { connectionId: 'v', role: 'viewer', requestTime: NOW } as const;

function report(overrides: Partial<ReportedStatus> = {}): AgentStatus {
  return { action: 'agent.status', observedAt: NOW, since: NOW - 60_000, lagMs: 120, pendingLines: 3, skipped: {}, ...overrides };
}

const { action: _action, ...stored } = report();

describe('agent.status', () => {
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addViewer(world, 'v');
    await addAgent(world);
  });

  it('stores the report on the host, and viewers get it with the inventory', async () => {
    await recordStatus(world, agentCaller, report());
    await getInventory(world, viewer, { action: 'inventory.get' });

    expect((await world.agents.get('host-1'))?.status).toEqual(stored);
    expect(world.messenger.to('v').at(-1)).toMatchObject({ action: 'inventory', hosts: [{ agentId: 'host-1', status: stored }] });
  });

  it('sends viewers the host with its status when the report is news to them, and not otherwise', async () => {
    await recordStatus(world, agentCaller, report());
    await recordStatus(world, agentCaller, report({ observedAt: NOW + 60_000, lagMs: 900, pendingLines: 40 }));
    await recordStatus(world, agentCaller, report({ observedAt: NOW + 120_000, skipped: { catch_up: { markers: 1, lines: 99_000 } } }));

    const hosts = world.messenger.to('v').filter((m) => m.action === 'host');
    expect(hosts.map((m) => (m as { host: { status?: ReportedStatus } }).host.status?.skipped)).toEqual([{}, { catch_up: { markers: 1, lines: 99_000 } }]);
  });

  it('keeps a newer report when an older one is handled after it (a connection\'s messages run concurrently)', async () => {
    await recordStatus(world, agentCaller, report({ observedAt: NOW + 1_000, lagMs: 7 }));
    await recordStatus(world, agentCaller, report({ observedAt: NOW, lagMs: 99_999 }));

    expect((await world.agents.get('host-1'))?.status?.lagMs).toBe(7);
  });

  it('takes a restarted agent\'s first report (counts start over) whatever its clock says', async () => {
    await recordStatus(world, agentCaller, report({ observedAt: NOW + 5_000, skipped: { refused: { markers: 2, lines: 40 } } }));
    await recordStatus(world, agentCaller, report({ observedAt: NOW, since: NOW - 1_000 }));

    expect((await world.agents.get('host-1'))?.status).toMatchObject({ since: NOW - 1_000, skipped: {} });
  });

  it('is kept across a registration: only the next report replaces it', async () => {
    await recordStatus(world, agentCaller, report());

    await registerAgent(world, { ...agentCaller, connectedAt: NOW + 1 }, { action: 'agent.register', hostName: 'host-1.local', agentVersion: '0.1.0', containers: [] });

    expect((await world.agents.get('host-1'))?.status).toEqual(stored);
  });

  it('is refused not_registered from a connection that has not registered, and ignored from a superseded one', async () => {
    await expect(recordStatus(world, { ...agentCaller, connectionId: 'newer', connectedAt: NOW + 10 }, report())).rejects.toMatchObject({ code: 'not_registered' });
    await recordStatus(world, { ...agentCaller, connectionId: 'older', connectedAt: 1 }, report());

    expect((await world.agents.get('host-1'))?.status).toBeUndefined();
  });

  it.each([
    ['another agent process', { since: 1 }, true],
    ['new skips', { skipped: { rotated: { markers: 1, lines: 0, atLeast: true as const } } }, true],
    ['the lag moving from seconds to minutes', { lagMs: 90_000 }, true],
    ['the lag moving within its band', { lagMs: 4_000 }, false],
    ['only more pending lines and a later time', { pendingLines: 500, observedAt: NOW + 1 }, false],
  ])('counts as news to viewers: %s → %s', (_case, change, news) => {
    expect(isNews(stored, { ...stored, ...change })).toBe(news);
  });

  it('is not news when the same skip counts come back from the table with their keys in another order', () => {
    const skipped = { catch_up: { markers: 1, lines: 10 }, refused: { markers: 2, lines: 4 } };
    const readBack = { refused: { lines: 4, markers: 2 }, catch_up: { lines: 10, markers: 1 } };

    expect(isNews({ ...stored, skipped: readBack }, { ...stored, skipped })).toBe(false);
  });
});
