/**
 * The compose and ECS examples stay true to the agent: they set only variables the agent reads
 * (agent/agent-options.ts), every required one, and mount the Docker socket read-only.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AGENT_OPTIONS } from '../../agent/agent-options';

const known = new Set<string>(AGENT_OPTIONS.map((o) => o.env));
const required = AGENT_OPTIONS.filter((o) => 'required' in o && o.required).map((o) => o.env);
const example = (path: string) => readFile(new URL(`../../examples/${path}`, import.meta.url), 'utf8');

describe('examples/compose/compose.yaml', () => {
  it('sets only variables the agent reads, every required one among them', async () => {
    const compose = await example('compose/compose.yaml');
    const agentService = compose.slice(compose.indexOf('  sidetail-agent:'));
    const set = [...agentService.matchAll(/^\s+#?\s*((?:SIDETAIL|DOCKER)_[A-Z_]+):/gm)].map((m) => m[1]!);

    expect(set.filter((name) => !known.has(name))).toEqual([]);
    expect(required.filter((name) => !set.includes(name))).toEqual([]);
  });

  it('mounts the Docker socket read-only and adds its group, for the image\'s non-root user', async () => {
    const compose = await example('compose/compose.yaml');

    expect(compose).toContain('- /var/run/docker.sock:/var/run/docker.sock:ro');
    expect(compose).toMatch(/group_add:\n\s+- "\$\{DOCKER_GID/);
  });
});

describe('examples/ecs/task-definition.json', () => {
  interface Container {
    name: string;
    essential?: boolean;
    user?: string;
    environment?: { name: string }[];
    secrets?: { name: string }[];
    mountPoints?: { sourceVolume: string; containerPath: string; readOnly?: boolean }[];
    dockerLabels?: Record<string, string>;
  }
  const task = async () =>
    JSON.parse(await example('ecs/task-definition.json')) as {
      requiresCompatibilities: string[];
      containerDefinitions: Container[];
      volumes: { name: string; host?: { sourcePath: string } }[];
    };

  it('runs the agent as a non-essential sidecar, as the image\'s non-root user, on EC2 (Fargate has no Docker socket)', async () => {
    const { requiresCompatibilities, containerDefinitions } = await task();
    const agent = containerDefinitions.find((c) => c.name === 'sidetail-agent')!;

    expect(requiresCompatibilities).toEqual(['EC2']);
    expect(containerDefinitions.length).toBeGreaterThan(1);
    expect(agent).toMatchObject({ essential: false });
    expect(agent.user).toMatch(/^65532:\d+$/);
  });

  it('sets only variables the agent reads, the token as a secret', async () => {
    const agent = (await task()).containerDefinitions.find((c) => c.name === 'sidetail-agent')!;
    const set = [...(agent.environment ?? []), ...(agent.secrets ?? [])].map((v) => v.name);

    expect(set.filter((name) => !known.has(name))).toEqual([]);
    expect(required.filter((name) => !set.includes(name))).toEqual([]);
    expect(agent.secrets?.map((s) => s.name)).toEqual(['SIDETAIL_AGENT_TOKEN']);
  });

  it('bind-mounts the host\'s Docker socket read-only', async () => {
    const { containerDefinitions, volumes } = await task();
    const agent = containerDefinitions.find((c) => c.name === 'sidetail-agent')!;
    const mount = agent.mountPoints?.find((m) => m.containerPath === '/var/run/docker.sock');

    expect(mount).toMatchObject({ readOnly: true });
    expect(volumes.find((v) => v.name === mount!.sourceVolume)?.host?.sourcePath).toBe('/var/run/docker.sock');
  });

  it('in opt-in mode, labels the app it is beside to be shown', async () => {
    const { containerDefinitions } = await task();
    const agent = containerDefinitions.find((c) => c.name === 'sidetail-agent')!;
    const optIn = agent.environment?.some((v) => v.name === 'SIDETAIL_OPT_IN');
    const apps = containerDefinitions.filter((c) => c.name !== 'sidetail-agent');

    expect(optIn).toBe(true);
    expect(apps.every((c) => c.dockerLabels?.['sidetail.enable'] === 'true')).toBe(true);
  });
});
