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

    store.upsert([host('a', T2, { online: false, containers: [container('web')] })]);

    expect(store.find({ agentId: 'a', containerId: 'web' })?.host.online).toBe(false);
  });

  it('keeps the newer host when an older inventory chunk arrives after it (as after a reconnect)', () => {
    const store = createInventoryStore();
    store.upsert([host('a', T2, { online: false, containers: [container('web', { state: 'exited' })] })]);

    store.upsert([host('a', T1, { online: true, containers: [container('web')] })]);

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
});
