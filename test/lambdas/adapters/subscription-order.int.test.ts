/**
 * A viewer's subscribe and unsubscribe run in concurrent invocations, so either may be handled
 * first. On the real tables, the one the viewer sent LATER decides — also when API Gateway stamped
 * both with the same millisecond.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscribersPk } from '../../../lambdas/adapters/keys';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { unsubscribe } from '../../../lambdas/domain/unsubscribe';
import { openLocalTable, T0, type LocalTable } from './local-table';
import { addHost, tableDeps, type TableDeps } from './table-deps';

const iso = new Date(T0).toISOString();
let count = 0;
const fresh = (prefix: string) => `${prefix}-${++count}`;

describe('subscribe and unsubscribe of one viewer, handled out of order, on dynalite', () => {
  let table: LocalTable;
  let deps: TableDeps;
  let viewer: string;
  let agentConn: string;
  let container: { agentId: string; containerId: string };
  beforeAll(async () => {
    table = await openLocalTable();
  });
  afterEach(() => {
    table.setNow(T0);
  });
  afterAll(async () => {
    await table.close();
  });

  async function arrange() {
    deps = tableDeps(table);
    viewer = fresh('viewer');
    agentConn = fresh('agent');
    container = { agentId: fresh('host'), containerId: fresh('c') };
    await deps.connections.add({ connectionId: viewer, role: 'viewer', connectedAt: iso });
    await addHost(deps, container, agentConn, iso);
  }
  const subscribeAt = (requestTime: number, op?: number) =>
    subscribe(deps, { connectionId: viewer, role: 'viewer', requestTime }, { action: 'log.subscribe', ...container, ...(op === undefined ? {} : { op }) });
  const unsubscribeAt = (requestTime: number, op?: number) =>
    unsubscribe(deps, { connectionId: viewer, role: 'viewer', requestTime }, { action: 'log.unsubscribe', ...container, ...(op === undefined ? {} : { op }) });
  const subscribed = async () => (await deps.subscriptions.subscriberIds(container)).includes(viewer);
  const liveSubscriberItems = async () => (await table.partition(subscribersPk(container))).filter((item) => item.sk === `CONN#${viewer}`);

  it('does not bring back a subscription when an older subscribe is handled after the unsubscribe', async () => {
    await arrange();

    await unsubscribeAt(T0 + 20);
    await subscribeAt(T0 + 10);

    expect(await subscribed()).toBe(false);
    expect(await liveSubscriberItems()).toEqual([]);
  });

  it('sends that late subscribe no history and starts no stream for it', async () => {
    await arrange();

    await unsubscribeAt(T0 + 20);
    await subscribeAt(T0 + 10);

    expect(deps.actionsTo(viewer)).toEqual([]);
    expect(deps.actionsTo(agentConn)).not.toContain('log.stream.start');
  });

  it('still lets a subscribe sent after the unsubscribe subscribe again', async () => {
    await arrange();
    await subscribeAt(T0 + 10);
    await unsubscribeAt(T0 + 20);

    await subscribeAt(T0 + 30);

    expect(await subscribed()).toBe(true);
    expect(deps.actionsTo(viewer)).toEqual(['log.history', 'log.history']);
  });

  it.each([
    ['unsubscribe handled first', ['unsubscribe', 'subscribe']],
    ['subscribe handled first', ['subscribe', 'unsubscribe']],
  ] as const)('lets the unsubscribe win a tie in the same millisecond without op counters (%s)', async (_name, order) => {
    await arrange();

    for (const step of order) await (step === 'subscribe' ? subscribeAt(T0 + 10) : unsubscribeAt(T0 + 10));

    expect(await subscribed()).toBe(false);
  });

  it.each([
    ['unsubscribe handled first', ['unsubscribe', 'subscribe']],
    ['subscribe handled first', ['subscribe', 'unsubscribe']],
  ] as const)('orders a tie in the same millisecond by the viewer op counter: unsubscribe op 1, subscribe op 2 (%s)', async (_name, order) => {
    await arrange();

    for (const step of order) await (step === 'subscribe' ? subscribeAt(T0 + 10, 2) : unsubscribeAt(T0 + 10, 1));

    expect(await subscribed()).toBe(true);
  });

  it.each([
    ['unsubscribe handled first', ['unsubscribe', 'subscribe']],
    ['subscribe handled first', ['subscribe', 'unsubscribe']],
  ] as const)('orders a tie in the same millisecond by the viewer op counter: subscribe op 1, unsubscribe op 2 (%s)', async (_name, order) => {
    await arrange();

    for (const step of order) await (step === 'subscribe' ? subscribeAt(T0 + 10, 1) : unsubscribeAt(T0 + 10, 2));

    expect(await subscribed()).toBe(false);
    expect(deps.actionsTo(agentConn).at(-1)).not.toBe('log.stream.start');
  });
});
