import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type Docker from 'dockerode';

const execFileAsync = promisify(execFile);

/** Debian's busybox-static installs its single binary here (`dpkg -L busybox-static`). */
export const BUSYBOX_PATH = '/bin/busybox';
export const DEFAULT_BUSYBOX_TAG = 'sidetail-test/busybox:latest';

/** The image cannot be built: busybox is missing or not a static binary. */
export class BusyboxUnavailableError extends Error {
  override readonly name = 'BusyboxUnavailableError';
}

/** The engine refused the imported rootfs. */
export class BusyboxImportError extends Error {
  override readonly name = 'BusyboxImportError';
}

/**
 * Makes sure `tag` names a busybox image on `docker`, building it if missing, and returns the tag.
 * No registry is reachable, so the image is a rootfs made here: the host's static busybox in /bin
 * plus a symlink per applet (sh, echo, sleep, ...), imported with `docker import`.
 */
export async function ensureBusyboxImage(docker: Docker, tag = DEFAULT_BUSYBOX_TAG): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  await assertStaticBusybox();
  const rootfs = await mkdtemp(join(tmpdir(), 'sidetail-busybox-'));
  try {
    await populateRootfs(rootfs);
    await importRootfs(docker, rootfs, tag);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
  return tag;
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

async function assertStaticBusybox(): Promise<void> {
  let binary: Buffer;
  try {
    binary = await readFile(BUSYBOX_PATH);
  } catch (error) {
    throw new BusyboxUnavailableError(
      `cannot read ${BUSYBOX_PATH} (${(error as Error).message}); install it: apt-get install busybox-static`,
    );
  }
  // The image has no libc, so only a static binary runs in it; Debian's plain `busybox` is dynamic.
  if (needsDynamicLoader(binary)) {
    throw new BusyboxUnavailableError(
      `${BUSYBOX_PATH} is dynamically linked; install busybox-static (it replaces the busybox package)`,
    );
  }
}

/** True if an ELF64 little-endian binary has a PT_INTERP program header (asks for ld.so). */
function needsDynamicLoader(elf: Buffer): boolean {
  const isElf64Le = elf.readUInt32BE(0) === 0x7f454c46 && elf[4] === 2 && elf[5] === 1;
  if (!isElf64Le) throw new BusyboxUnavailableError(`${BUSYBOX_PATH} is not a 64-bit little-endian ELF binary`);
  const PT_INTERP = 3;
  const programHeaders = Number(elf.readBigUInt64LE(0x20));
  const entrySize = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) {
    if (elf.readUInt32LE(programHeaders + i * entrySize) === PT_INTERP) return true;
  }
  return false;
}

async function populateRootfs(rootfs: string): Promise<void> {
  const bin = join(rootfs, 'bin');
  await mkdir(bin);
  await mkdir(join(rootfs, 'tmp'));
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await copyFile(BUSYBOX_PATH, join(bin, 'busybox'));
  await chmod(join(bin, 'busybox'), 0o755);
  const { stdout } = await execFileAsync(BUSYBOX_PATH, ['--list']);
  const applets = stdout.split('\n').filter((name) => name !== '' && name !== 'busybox');
  await Promise.all(applets.map((name) => symlink('busybox', join(bin, name))));
}

async function importRootfs(docker: Docker, rootfs: string, tag: string): Promise<void> {
  const { repo, version } = splitTag(tag);
  const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarErrors = '';
  tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarErrors += chunk));
  const tarExit = new Promise<number | null>((resolve) => tar.once('close', resolve));

  const progress = await docker.importImage(tar.stdout, { repo, tag: version, changes: 'CMD ["sh"]' });
  const events = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
    docker.modem.followProgress(progress, (error: Error | null, output: Array<{ error?: string }>) =>
      error ? reject(error) : resolve(output),
    ),
  );
  const exitCode = await tarExit;
  if (exitCode !== 0) throw new BusyboxImportError(`tar of the busybox rootfs failed (${exitCode}): ${tarErrors}`);
  const failed = events.find((event) => event.error !== undefined);
  if (failed) throw new BusyboxImportError(`docker import of ${tag} failed: ${failed.error}`);
}

/** "repo/name:tag" → repo and tag; a colon before the last slash is a registry port, not a tag. */
function splitTag(tag: string): { repo: string; version: string } {
  const colon = tag.lastIndexOf(':');
  if (colon > tag.lastIndexOf('/')) return { repo: tag.slice(0, colon), version: tag.slice(colon + 1) };
  return { repo: tag, version: 'latest' };
}
