/**
 * The bundle runs on plain Node with nothing installed beside it: copied alone into an empty
 * directory (no node_modules, no tsx), it starts, answers --help and --version, and reports a
 * configuration error as the agent does.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_MODULES, buildAgentBundle } from '../../agent/build-bundle';
import { AGENT_OPTIONS } from '../../agent/agent-options';
import { AGENT_VERSION } from '../../agent/agent-version';

const run = promisify(execFile);

describe('the agent bundle (npm run build:agent)', () => {
  let dir: string;
  let bundle: string;
  let externalImports: readonly string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidetail-bundle-'));
    bundle = join(dir, 'sidetail-agent.mjs');
    ({ externalImports } = await buildAgentBundle(bundle));
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the bundle alone in its directory, with an environment free of SIDETAIL_ settings. */
  async function agent(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bundle, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('imports nothing but Node\'s own modules, and the optional accelerators its dependencies can do without', async () => {
    const allowed = new Set([...builtinModules.flatMap((m) => [m, `node:${m}`]), ...OPTIONAL_MODULES]);

    expect(externalImports.length).toBeGreaterThan(0);
    expect(externalImports.filter((name) => !allowed.has(name))).toEqual([]);
  });

  it('answers --help with every flag and variable, and --version', async () => {
    const help = await agent(['--help']);
    const version = await agent(['--version']);

    expect(help.code).toBe(0);
    for (const option of AGENT_OPTIONS) {
      expect(help.stdout).toContain(option.flag);
      expect(help.stdout).toContain(option.env);
    }
    expect(version).toMatchObject({ code: 0, stdout: `${AGENT_VERSION}\n` });
  });

  it('exits with status 2 and says what to set when a required setting is missing', async () => {
    const result = await agent([], { SIDETAIL_AGENT_TOKEN: 'a.b' });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sidetail agent: SIDETAIL_URL \(--url\) is required/);
  });
});
