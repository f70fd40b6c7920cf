import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import type Docker from 'dockerode';

import { BUSYBOX_PATH } from './busybox-image';

const execFileAsync = promisify(execFile);

/** Where node sits in the images, as in the official ones: on the default PATH. */
const NODE_IN_IMAGE = '/usr/local/bin/node';

/** The engine refused an imported rootfs, or the machine's node could not be packed. */
export class NodeImageError extends Error {
  override readonly name = 'NodeImageError';
}

export interface NodeImages {
  /** Node.js and the libraries it links, nothing else: a runtime base like distroless. */
  readonly runtime: string;
  /** The same plus busybox's shell, for a Dockerfile's build stage (RUN needs /bin/sh). */
  readonly build: string;
}

/**
 * Base images with this machine's Node.js, made here because no registry is reachable: a rootfs
 * of the node binary and every shared library `ldd` lists for it (the dynamic loader included),
 * imported with `docker import`. Tagged with Node's version; built only when missing.
 */
export async function ensureNodeImages(docker: Docker, node = process.execPath): Promise<NodeImages> {
  const version = process.versions.node;
  const runtime = `sidetail-test/node:${version}`;
  const build = `sidetail-test/node-build:${version}`;
  for (const [tag, withShell] of [[runtime, false], [build, true]] as const) {
    if (await imageExists(docker, tag)) continue;
    const rootfs = await mkdtemp(join(tmpdir(), 'sidetail-node-'));
    try {
      await populateRootfs(rootfs, await realpath(node), withShell);
      await importRootfs(docker, rootfs, tag);
    } finally {
      await rm(rootfs, { recursive: true, force: true });
    }
  }
  return { runtime, build };
}

/** The absolute paths of the shared objects `ldd` says the binary loads. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await execFileAsync('ldd', [binary]);
  const paths = stdout
    .split('\n')
    // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"; not linux-vdso.
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  if (paths.length === 0) throw new NodeImageError(`ldd lists no libraries for ${binary}: is it a dynamic executable?\n${stdout}`);
  return paths;
}

async function populateRootfs(rootfs: string, node: string, withShell: boolean): Promise<void> {
  const place = async (source: string, target: string, mode?: number): Promise<void> => {
    await mkdir(join(rootfs, dirname(target)), { recursive: true });
    // copyFile follows symlinks: the library lands under the name the loader looks for.
    await copyFile(source, join(rootfs, target));
    if (mode !== undefined) await chmod(join(rootfs, target), mode);
  };
  // mkdtemp made it 0700, and tar keeps that for "/": a non-root user could not reach /usr/local/bin.
  await chmod(rootfs, 0o755);
  await place(node, NODE_IN_IMAGE, 0o755);
  for (const library of await sharedLibraries(node)) await place(library, library);
  await mkdir(join(rootfs, 'tmp'));
  await chmod(join(rootfs, 'tmp'), 0o1777);
  if (withShell) {
    await place(BUSYBOX_PATH, '/bin/busybox', 0o755);
    for (const applet of ['sh', 'test', '[', 'echo', 'cat', 'ls']) await symlink('busybox', join(rootfs, 'bin', applet));
  }
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

async function importRootfs(docker: Docker, rootfs: string, tag: string): Promise<void> {
  const colon = tag.lastIndexOf(':');
  const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErrors = '';
  tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarErrors += chunk));
  const tarExit = new Promise<number | null>((resolve) => tar.once('close', resolve));
  const progress = await docker.importImage(tar.stdout, {
    repo: tag.slice(0, colon),
    tag: tag.slice(colon + 1),
    changes: 'ENV PATH=/usr/local/bin:/usr/bin:/bin',
  });
  const events = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(progress, (error: Error | null, output: Array<{ error?: string }>) => (error ? reject(error) : resolve(output))),
  );
  const exitCode = await tarExit;
  if (exitCode !== 0) throw new NodeImageError(`tar of the node rootfs failed (${exitCode}): ${tarErrors}`);
  const failed = events.find((event) => event.error !== undefined);
  if (failed) throw new NodeImageError(`docker import of ${tag} failed: ${failed.error}`);
}
