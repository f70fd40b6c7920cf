import { describe, expect, it } from 'vitest';
import type { HostContainerChanges } from '../../protocol';
import { applyContainerChanges, applyHostStatus, mergeInventoryHost, supersedes, type KnownHost } from '../../web/src/state/host-merge';
import { container, host } from './host-fixtures';

const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T10:00:05.000Z';

const change = (observedAt: number, upsert: ReturnType<typeof container>[], remove: string[] = []): HostContainerChanges => ({
  action: 'host.containers',
  agentId: 'a',
  observedAt,
  upsert,
  remove,
});
const ids = (known: KnownHost) => known.host.containers.map((c) => c.id);
const { containers: _none, ...statusOf } = host('a', T1);

describe('mergeInventoryHost', () => {
  it('takes a host it did not know as listed', () => {
    const known = mergeInventoryHost(undefined, host('a', T1, { containers: [container('web')], observedAt: 10 }));

    expect(known.host).toEqual(host('a', T1, { containers: [container('web')], observedAt: 10 }));
  });

  it('keeps the newer status when a late chunk of an older inventory arrives', () => {
    const offline = applyHostStatus(mergeInventoryHost(undefined, host('a', T1)), { ...statusOf, online: false, updatedAt: T2 });

    const merged = mergeInventoryHost(offline, host('a', T1, { online: true, containers: [container('web')] }));

    expect(merged.host).toMatchObject({ online: false, updatedAt: T2 });
    expect(ids(merged)).toEqual(['web']);
  });

  it('drops a container the list no longer has and that nothing newer mentions', () => {
    const before = mergeInventoryHost(undefined, host('a', T1, { containers: [container('web'), container('old')], observedAt: 10 }));

    const after = mergeInventoryHost(before, host('a', T1, { containers: [container('web')], observedAt: 20 }));

    expect(ids(after)).toEqual(['web']);
  });

  it('does not bring back, from an older list arriving late, a container a newer list left out', () => {
    const newer = mergeInventoryHost(
      mergeInventoryHost(undefined, host('a', T1, { containers: [container('web'), container('old')], observedAt: 10 })),
      host('a', T1, { containers: [container('web')], observedAt: 20 }),
    );

    expect(ids(mergeInventoryHost(newer, host('a', T1, { containers: [container('web'), container('old')], observedAt: 10 })))).toEqual(['web']);
  });

  it('keeps changes observed after the list: a container added later stays, one removed later stays removed', () => {
    let known = applyContainerChanges(undefined, change(30, [container('new')], ['web']));

    known = mergeInventoryHost(known, host('a', T1, { containers: [container('web'), container('db')], observedAt: 20 }));

    expect(ids(known).sort()).toEqual(['db', 'new']);
  });

  it('lets the list replace changes it already contains (observed at or before its observedAt)', () => {
    let known = applyContainerChanges(undefined, change(10, [container('web', { state: 'exited' })]));

    known = mergeInventoryHost(known, host('a', T1, { containers: [container('web', { state: 'running' })], observedAt: 20 }));

    expect(known.host.containers).toEqual([container('web', { state: 'running' })]);
  });
});

describe('applyContainerChanges', () => {
  const listed = () => mergeInventoryHost(undefined, host('a', T1, { containers: [container('web'), container('db')], observedAt: 10 }));

  it('upserts changed containers by id and drops removed ones, leaving the others as they are', () => {
    const known = applyContainerChanges(listed(), change(20, [container('web', { state: 'exited' }), container('new')], ['db']));

    expect(known.host.containers).toEqual([container('web', { state: 'exited' }), container('new')]);
  });

  it('ignores a change observed before what it holds for that container', () => {
    const known = applyContainerChanges(applyContainerChanges(listed(), change(30, [container('web', { state: 'exited' })])), change(20, [container('web')]));

    expect(known.host.containers.find((c) => c.id === 'web')?.state).toBe('exited');
  });

  it('does not bring back a removed container with an upsert observed before the removal', () => {
    const known = applyContainerChanges(applyContainerChanges(listed(), change(30, [], ['web'])), change(20, [container('web')]));

    expect(ids(known)).toEqual(['db']);
  });

  it('starts a host it does not know yet, named by its agent id, whose real status then replaces the placeholder', () => {
    const started = applyContainerChanges(undefined, change(20, [container('web')]));

    expect(started.host).toMatchObject({ agentId: 'a', hostName: 'a', online: true, containers: [container('web')] });
    const named = applyHostStatus(started, { ...statusOf, updatedAt: T1 });
    expect(named.host).toMatchObject({ hostName: 'a.example', containers: [container('web')] });
  });
});

describe('applyHostStatus', () => {
  it('marks a host offline and keeps its containers', () => {
    const known = mergeInventoryHost(undefined, host('a', T1, { containers: [container('web')] }));

    const offline = applyHostStatus(known, { ...statusOf, online: false, updatedAt: T2 });

    expect(offline.host).toMatchObject({ online: false, containers: [container('web')] });
  });

  it('ignores an older status', () => {
    const known = applyHostStatus(undefined, { ...statusOf, online: false, updatedAt: T2 });

    expect(applyHostStatus(known, { ...statusOf, online: true, updatedAt: T1 }).host.online).toBe(false);
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

describe('the agent\'s status report on a host', () => {
  const report = (observedAt: number, lagMs = 0, since = 1) => ({ observedAt, since, lagMs, pendingLines: 0, skipped: {} });

  it('comes with the first host message of a host not known yet', () => {
    expect(applyHostStatus(undefined, { ...statusOf, status: report(10, 7) }).host.status).toEqual(report(10, 7));
  });

  it('is kept when a host message brings none (a registration, going offline)', () => {
    const known = mergeInventoryHost(undefined, host('a', T1, { status: report(10, 7) }));

    const offline = applyHostStatus(known, { ...statusOf, online: false, updatedAt: T2 });

    expect(offline.host).toMatchObject({ online: false, status: report(10, 7) });
  });

  it('is replaced by a later report, never by an earlier one arriving late', () => {
    const known = applyHostStatus(mergeInventoryHost(undefined, host('a', T1)), { ...statusOf, status: report(20, 9_000) });

    const late = mergeInventoryHost(known, host('a', T1, { status: report(10, 1) }));
    const later = applyHostStatus(late, { ...statusOf, status: report(30, 0) });

    expect(late.host.status).toEqual(report(20, 9_000));
    expect(later.host.status).toEqual(report(30, 0));
  });

  it('of a restarted agent (a later `since`) replaces the old process\'s, whatever its time', () => {
    const known = mergeInventoryHost(undefined, host('a', T1, { status: report(50, 0, 1) }));

    const restarted = applyHostStatus(known, { ...statusOf, status: report(40, 0, 2) });

    expect(restarted.host.status).toEqual(report(40, 0, 2));
  });
});
