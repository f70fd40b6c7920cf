import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DockerEngineStartError,
  DockerEngineUnavailableError,
  startDockerEngine,
} from './docker-engine';

// Stand-ins for dockerd that fail the way a broken daemon does, so the harness's error paths run
// without an engine. They print their arguments, which name the engine's private directory.
describe('startDockerEngine when dockerd cannot serve', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sidetail-fake-dockerd-'));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function fakeDockerd(body: string): Promise<string> {
    const path = join(scratch, 'dockerd');
    await writeFile(path, `#!/bin/sh\necho "fake dockerd $*"\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  function engineDirIn(message: string): string {
    const dir = /--data-root=(\S+)\/data/.exec(message)?.[1];
    if (dir === undefined) throw new Error(`no engine directory in: ${message}`);
    return dir;
  }

  it('names the missing binary when dockerd does not exist', async () => {
    const missing = join(scratch, 'no-such-dockerd');

    const attempt = startDockerEngine({ dockerdPath: missing });

    await expect(attempt).rejects.toThrow(DockerEngineUnavailableError);
    await expect(attempt).rejects.toThrow(missing);
  });

  it('reports how dockerd exited, with its log, and removes the engine directory', async () => {
    const dockerdPath = await fakeDockerd('echo "failed to start daemon: boom" >&2\nexit 1');

    const error: unknown = await startDockerEngine({ dockerdPath }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DockerEngineStartError);
    const { message } = error as Error;
    expect(message).toContain('exited with code 1');
    expect(message).toContain('failed to start daemon: boom');
    expect(existsSync(engineDirIn(message))).toBe(false);
  });

  it('gives up after startTimeoutMs when dockerd never answers, and kills it', async () => {
    const dockerdPath = await fakeDockerd('echo "pid $$"\nexec sleep 600');

    const error: unknown = await startDockerEngine({ dockerdPath, startTimeoutMs: 500 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(DockerEngineStartError);
    const { message } = error as Error;
    expect(message).toContain('did not answer /_ping');
    expect(message).toContain('within 500 ms');
    const pid = Number(/pid (\d+)/.exec(message)?.[1]);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(existsSync(engineDirIn(message))).toBe(false);
  });
});
