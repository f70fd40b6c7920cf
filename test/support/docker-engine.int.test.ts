import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';

import Docker from 'dockerode';
import { afterEach, describe, expect, inject, it } from 'vitest';

import { ensureBusyboxImage } from './busybox-image';
import { startDockerEngine, type DockerEngine } from './docker-engine';
import { processesMentioning } from './engine-leftovers';

const execFileAsync = promisify(execFile);

const STDOUT = 1;
const STDERR = 2;

/** Splits Docker's multiplexed log stream: 8-byte header [stream, 0, 0, 0, size (uint32 BE)], payload. */
function frames(raw: Buffer): Array<{ stream: number; text: string }> {
  const result: Array<{ stream: number; text: string }> = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    result.push({ stream: raw[offset] ?? -1, text: raw.subarray(offset + 8, offset + 8 + size).toString('utf8') });
    offset += 8 + size;
  }
  return result;
}

const timestamped = (text: string) => expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${text}\\n$`));

describe('the shared private Docker engine', () => {
  const docker = new Docker({ socketPath: inject('dockerSocketPath') });
  const image = inject('busyboxImage');
  const containers: Docker.Container[] = [];

  afterEach(async () => {
    await Promise.all(containers.splice(0).map((container) => container.remove({ force: true })));
  });

  it('answers ping', async () => {
    const reply: unknown = await docker.ping();

    expect(String(reply)).toBe('OK');
  });

  it('is reachable through the DOCKER_HOST it provides', async () => {
    const { stdout } = await execFileAsync('docker', ['version', '--format', '{{.Server.Os}}'], {
      env: { ...process.env, DOCKER_HOST: inject('dockerHost') },
    });

    expect(stdout.trim()).toBe('linux');
  });

  it.each(['none', 'host'])(
    'keeps a container’s stdout and stderr apart in its timestamped log (network mode %s)',
    async (networkMode) => {
      const container = await docker.createContainer({
        Image: image,
        Cmd: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2'],
        HostConfig: { NetworkMode: networkMode },
      });
      containers.push(container);
      await container.start();
      await container.wait();

      const raw = await container.logs({ follow: false, stdout: true, stderr: true, timestamps: true });

      expect(frames(raw)).toEqual(
        expect.arrayContaining([
          { stream: STDOUT, text: timestamped('to-stdout') },
          { stream: STDERR, text: timestamped('to-stderr') },
        ]),
      );
    },
  );
});

describe('startDockerEngine', () => {
  let engine: DockerEngine | undefined;

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it('builds the busybox image once and finds it on the next call', async () => {
    engine = await startDockerEngine();

    const first = await ensureBusyboxImage(engine.docker, 'sidetail-test/idempotent:v1');
    const { Id: builtId } = await engine.docker.getImage(first).inspect();
    const second = await ensureBusyboxImage(engine.docker, 'sidetail-test/idempotent:v1');
    const { Id: foundId } = await engine.docker.getImage(second).inspect();

    expect([first, second]).toEqual(['sidetail-test/idempotent:v1', 'sidetail-test/idempotent:v1']);
    expect(foundId).toBe(builtId);
  });

  it('leaves no process and no directory behind once stopped, even with a container running', async () => {
    engine = await startDockerEngine();
    const { rootDir, pid, docker } = engine;
    const container = await docker.createContainer({
      Image: await ensureBusyboxImage(docker),
      Cmd: ['sleep', '600'],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    expect(processesMentioning(basename(rootDir)).length).toBeGreaterThanOrEqual(3); // dockerd, containerd, shim

    await engine.stop();

    expect(processesMentioning(basename(rootDir))).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(existsSync(rootDir)).toBe(false);
  });
});
