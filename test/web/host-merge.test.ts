import { describe, expect, it } from 'vitest';
import { supersedes, upsertHosts } from '../../web/src/state/host-merge';
import { container, host } from './host-fixtures';

const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T10:00:05.000Z';

describe('upsertHosts', () => {
  it('merges the chunks of one inventory into one list of hosts', () => {
    const firstChunk = [host('a', T1, { containers: [container('web')] })];
    const secondChunk = [host('b', T1, { containers: [container('db')] })];

    const hosts = upsertHosts(upsertHosts([], firstChunk), secondChunk);

    expect(hosts.map((h) => [h.agentId, h.containers.map((c) => c.id)])).toEqual([
      ['a', ['web']],
      ['b', ['db']],
    ]);
  });

  it('replaces a host with a newer host update and leaves the others alone', () => {
    const known = [host('a', T1, { containers: [container('web')] }), host('b', T1)];
    const update = host('a', T2, { containers: [container('web'), container('worker')] });

    const hosts = upsertHosts(known, [update]);

    expect(hosts).toEqual([update, known[1]]);
  });

  it('adds a host it did not know from a host update', () => {
    const hosts = upsertHosts([host('a', T1)], [host('new', T2)]);

    expect(hosts.map((h) => h.agentId)).toEqual(['a', 'new']);
  });

  it('keeps a newer host update when a late chunk of an older inventory arrives', () => {
    const offline = host('a', T2, { online: false, containers: [container('web')] });
    const lateChunk = [host('a', T1, { online: true, containers: [container('web')] }), host('b', T1)];

    const hosts = upsertHosts([offline], lateChunk);

    expect(hosts.find((h) => h.agentId === 'a')).toBe(offline);
    expect(hosts.map((h) => h.agentId)).toEqual(['a', 'b']);
  });

  it('marks a host offline when the update saying so is newer', () => {
    const hosts = upsertHosts([host('a', T1)], [host('a', T2, { online: false })]);

    expect(hosts).toEqual([expect.objectContaining({ agentId: 'a', online: false })]);
  });

  it('never drops a known host that a later inventory leaves out', () => {
    const hosts = upsertHosts([host('a', T1), host('b', T1)], [host('b', T2)]);

    expect(hosts.map((h) => h.agentId)).toEqual(['a', 'b']);
  });
});

describe('supersedes', () => {
  it.each([
    ['a newer time', T2, T1, true],
    ['the same time (the same stored version)', T1, T1, true],
    ['an older time', T1, T2, false],
    ['a later time in another offset', '2026-11-25T11:00:01+01:00', T1, true],
    ['an unreadable time over a real one', 'yesterday', T1, false],
    ['a real time over an unreadable one', T1, 'yesterday', true],
  ])('lets a report with %s replace the known one: %s over %s → %s', (_case, incoming, existing, expected) => {
    expect(supersedes({ updatedAt: incoming }, { updatedAt: existing })).toBe(expected);
  });
});
