import { describe, expect, it } from 'vitest';
import type { ContainerInfo, HostInfo } from '../../protocol';
import { displayName, sortHosts } from '../../web/src/state/inventory-order';

const container = (id: string, name: string, state: string): ContainerInfo => ({
  id,
  name,
  image: 'nginx:1',
  state,
  status: state,
  createdAt: 0,
  tty: false,
});

const host = (agentId: string, hostName: string, containers: ContainerInfo[]): HostInfo => ({
  agentId,
  hostName,
  online: true,
  updatedAt: '2024-05-06T07:08:09Z',
  containers,
});

describe('sortHosts', () => {
  it('lists hosts by name and running containers before stopped ones, each by name', () => {
    const sorted = sortHosts([
      host('b', 'zeta', []),
      host('a', 'alpha', [container('1', '/web', 'exited'), container('2', '/worker', 'running'), container('3', '/api', 'running')]),
    ]);

    expect(sorted.map((h) => h.hostName)).toEqual(['alpha', 'zeta']);
    expect(sorted[0]!.containers.map((c) => c.name)).toEqual(['/api', '/worker', '/web']);
  });
});

describe('displayName', () => {
  it.each([
    ['/web-1', 'abcdef0123456789', 'web-1'],
    ['', 'abcdef0123456789', 'abcdef012345'],
  ])('shows %j (id %s) as %j', (name, id, expected) => {
    expect(displayName({ name, id })).toBe(expected);
  });
});
