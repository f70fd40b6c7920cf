/**
 * The benches that need a real Docker engine, sharing one private dockerd (started here, stopped
 * after): the agent against `docker logs -t` on a million lines, and the agent's memory following
 * 50 busy containers.
 */
import { benchAgentRss } from './agent-rss.bench';
import { benchAgentVsDockerLogs } from './agent-vs-docker-logs.bench';
import type { BenchRow } from './bench-table';
import { withPrivateDocker } from './private-docker';

export function benchOnDocker(): Promise<BenchRow[]> {
  return withPrivateDocker(async (engine) => [...(await benchAgentVsDockerLogs(engine)), ...(await benchAgentRss(engine))]);
}
