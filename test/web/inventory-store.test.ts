import { describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../web/src/state/inventory-store';
import { container, host } from './host-fixtures';

const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T10:00:05.000Z';

describe('createInventoryStore', () => {
  it('is not loaded until the last chunk of an inventory, yet lists hosts from the first', () => {
    const store = createInventoryStore();

    store.upsert([host('a', T1, { containers: [container('web')] })]);

    expect(store.loaded()).toBe(false);
    expect(store.hosts().map((h) => h.agentId)).toEqual(['a']);
    store.markLoaded();
    expect(store.loaded()).toBe(true);
  });

  it('lists hosts by name whatever order their updates arrive in', () => {
    const store = createInventoryStore();

    store.upsert([host('z', T1, { hostName: 'zeta' })]);
    store.upsert([host('a', T1, { hostName: 'alpha' })]);

    expect(store.hosts().map((h) => h.hostName)).toEqual(['alpha', 'zeta']);
  });

  it('shows a host offline, with its last containers, after the update saying so', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T1, { containers: [container('web')] })]);

    store.applyStatus({ agentId: 'a', hostName: 'a.example', online: false, updatedAt: T2 });

    expect(store.find({ agentId: 'a', containerId: 'web' })?.host.online).toBe(false);
  });

  it('keeps the newer host when an older inventory chunk arrives after it (as after a reconnect)', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T2, { online: false, containers: [container('web', { state: 'exited' })], observedAt: 20 })]);

    store.upsert([host('a', T1, { online: true, containers: [container('web')], observedAt: 10 })]);

    expect(store.find({ agentId: 'a', containerId: 'web' })).toMatchObject({
      host: { online: false, updatedAt: T2 },
      container: { state: 'exited' },
    });
  });

  it('drops a container the newer report of its host no longer lists', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T1, { containers: [container('web'), container('old')] })]);

    store.upsert([host('a', T2, { containers: [container('web')] })]);

    expect(store.find({ agentId: 'a', containerId: 'old' })).toBeUndefined();
    expect(store.find({ agentId: 'a', containerId: 'web' })).toBeDefined();
  });

  it('applies container changes: an upsert shows, a removed container disappears', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T1, { containers: [container('web'), container('db')], observedAt: 10 })]);

    store.applyChanges({ action: 'host.containers', agentId: 'a', observedAt: 20, upsert: [container('web', { state: 'exited' })], remove: ['db'] });

    expect(store.find({ agentId: 'a', containerId: 'db' })).toBeUndefined();
    expect(store.find({ agentId: 'a', containerId: 'web' })?.container.state).toBe('exited');
  });

  it('lists a host first heard of through a container change, and keeps that change when an older inventory arrives', () => {
    const store = createInventoryStore();

    store.applyChanges({ action: 'host.containers', agentId: 'b', observedAt: 30, upsert: [container('api')], remove: [] });
    expect(store.hosts().map((h) => h.agentId)).toEqual(['b']);
    store.upsert([host('b', T1, { hostName: 'beta', containers: [], observedAt: 20 })]);

    expect(store.hosts()).toEqual([expect.objectContaining({ agentId: 'b', hostName: 'beta', containers: [container('api')] })]);
  });

  it('knows when the agent saw a container only from a change, never from an inventory list', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T1, { containers: [container('web'), container('db')], observedAt: 10 })]);

    store.applyChanges({ action: 'host.containers', agentId: 'a', observedAt: 20, upsert: [container('db', { state: 'exited' })], remove: [] });

    expect(store.hosts()[0]!.reportedAt).toEqual({ db: 20 });
  });
});
