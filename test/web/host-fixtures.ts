/** Hosts and containers as the cloud reports them, for the dashboard's specs. */
import type { ContainerInfo, HostInfo } from '../../protocol';

export const container = (id: string, overrides: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id,
  name: `/${id}`,
  image: 'nginx:1',
  state: 'running',
  status: 'Up 6 seconds',
  createdAt: 0,
  tty: false,
  ...overrides,
});

export const host = (agentId: string, updatedAt: string, overrides: Partial<HostInfo> = {}): HostInfo => ({
  agentId,
  hostName: `${agentId}.example`,
  online: true,
  updatedAt,
  containers: [],
  ...overrides,
});
