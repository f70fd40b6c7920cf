import { describe, expect, it } from 'vitest';
import { agentHelp } from '../../agent/agent-help';
import { AGENT_OPTIONS } from '../../agent/agent-options';

describe('the agent\'s --help', () => {
  const help = agentHelp();
  /** An option's lines: its heading and the indented text under it. */
  const block = (flag: string): string => help.split(/\n(?=  -)/).find((b) => b.trimStart().startsWith(`${flag} `)) ?? '';

  it.each(AGENT_OPTIONS.map((o) => [o.flag, o.env]))('lists %s together with its variable %s', (flag, env) => {
    const line = help.split('\n').find((l) => l.trimStart().startsWith(`${flag} `) || l.trimStart().startsWith(`${flag}\t`));

    expect(line, `a line for ${flag}`).toBeDefined();
    expect(line).toContain(env);
  });

  it('lists every environment variable the agent reads, and --help and --version', () => {
    for (const env of ['SIDETAIL_URL', 'SIDETAIL_AGENT_TOKEN', 'SIDETAIL_AGENT_ID', 'SIDETAIL_HOST_NAME', 'SIDETAIL_OPT_IN', 'DOCKER_HOST']) {
      expect(help).toContain(env);
    }
    expect(help).toMatch(/^\s+--help\b/m);
    expect(help).toMatch(/^\s+--version\b/m);
  });

  it('says which settings are required and what the others default to', () => {
    expect(help).toMatch(/--url URL.*required/);
    expect(help).toMatch(/--token TOKEN.*required/);
    expect(block('--docker-host').replace(/\s+/g, ' ')).toContain('default: unix:///var/run/docker.sock');
    expect(block('--host-name').replace(/\s+/g, ' ')).toContain("default: the Docker engine's own name");
  });

  it('keeps every line within 100 columns, to read in a terminal', () => {
    expect(help.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });
});
