import { describe, expect, it } from 'vitest';
import { fuzzyMatch, searchContainers } from '../../web/src/state/container-search';
import type { HostView } from '../../web/src/state/inventory-store';
import { container, host } from './host-fixtures';

const view = (h: ReturnType<typeof host>): HostView => ({ ...h, reportedAt: {} });

describe('fuzzyMatch', () => {
  it('matches characters in order, case-insensitively', () => {
    expect(fuzzyMatch('payments-api', 'pmtapi')?.positions).toEqual([0, 3, 6, 9, 10, 11]);
    expect(fuzzyMatch('payments-api', 'ipa')).toBeUndefined();
  });

  it('scores a substring above scattered characters, and a word start above the middle', () => {
    expect(fuzzyMatch('api-gateway', 'api')!.score).toBeGreaterThan(fuzzyMatch('a-p-i', 'api')!.score);
    expect(fuzzyMatch('web-api', 'api')!.score).toBeGreaterThan(fuzzyMatch('rapid', 'api')!.score);
  });

  it('matches everything with an empty query', () => {
    expect(fuzzyMatch('anything', '')).toEqual({ score: 0, positions: [] });
  });
});

describe('searchContainers', () => {
  const hosts = [
    view(host('b', 't', { hostName: 'build-box', online: false, containers: [container('c3', { name: '/postgres', image: 'postgres:16', state: 'running' })] })),
    view(host('a', 't', {
      hostName: 'app-box',
      containers: [
        container('c1', { name: '/web-api', image: 'acme/api:2' }),
        container('c2', { name: '/worker', image: 'acme/jobs:2', state: 'exited', status: 'Exited (1) 3 minutes ago' }),
      ],
    })),
  ];
  const names = (query: string, showStopped = true) => searchContainers(hosts, query, { showStopped }).map((hit) => hit.name);

  it('lists every container of every host with an empty query, offline hosts kept, in the sidebar’s order', () => {
    expect(names('')).toEqual(['web-api', 'worker', 'postgres']);
  });

  it('hides stopped containers when asked', () => {
    expect(names('', false)).toEqual(['web-api', 'postgres']);
  });

  it('finds containers by name, image or host, best match first', () => {
    expect(names('wrk')).toEqual(['worker']);
    expect(names('jobs')).toEqual(['worker']);
    expect(names('build')).toEqual(['postgres']);
    expect(names('api')[0]).toBe('web-api');
  });

  it('returns where the name matched, for highlighting', () => {
    expect(searchContainers(hosts, 'pg', { showStopped: true })[0]).toMatchObject({ name: 'postgres', namePositions: [0, 4] });
  });

  it('finds nothing when nothing matches', () => {
    expect(names('zzz')).toEqual([]);
  });
});
