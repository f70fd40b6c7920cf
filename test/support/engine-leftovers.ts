import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { DockerEngineStopError } from './docker-engine-errors';

const execFileAsync = promisify(execFile);

/** Each engine directory records the pid of the process that owns it, for reapAbandonedEngines(). */
export const OWNER_FILE = 'owner.pid';
// A directory this young without an owner file is an engine still being set up by someone else.
const SETUP_GRACE_MS = 60_000;

/**
 * Kills and deletes engines under `baseDir` whose owning process is gone: a test run killed with
 * SIGKILL never ran its cleanup, and vfs layers are full copies of images, so they add up.
 * Best effort: a leftover that cannot be removed must not fail an unrelated run.
 */
export async function reapAbandonedEngines(baseDir: string, prefix: string): Promise<void> {
  for (const name of await readdir(baseDir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(baseDir, name);
    try {
      if (!(await isAbandoned(dir))) continue;
      await killProcessesMentioning(name);
      await removeEngineDir(dir);
    } catch {
      // still in use after all, or not ours to remove
    }
  }
}

async function isAbandoned(dir: string): Promise<boolean> {
  const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
  if (owner > 0) return !isAlive(owner);
  return Date.now() - (await stat(dir)).mtimeMs > SETUP_GRACE_MS;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Pids of live processes whose command line mentions `marker`. A private dockerd, its containerd and
 * the containerd shims all carry the engine's own directory (or containerd namespace) in their
 * arguments, so a marker unique to one engine finds exactly its processes, never another daemon's.
 */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.includes(marker)) pids.push(pid); // a zombie's cmdline is empty: never matched
  }
  return pids;
}

/** SIGKILLs every process mentioning `marker` and waits (bounded) until none is left. */
export async function killProcessesMentioning(marker: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = processesMentioning(marker);
    if (pids.length === 0) return;
    if (Date.now() > deadline) {
      throw new DockerEngineStopError(`processes mentioning ${marker} survived SIGKILL: ${pids.join(', ')}`);
    }
    for (const pid of pids) signal(pid, 'SIGKILL');
    await sleep(50);
  }
}

/** Synchronous last resort for a process 'exit' hook, where nothing asynchronous runs any more. */
export function killProcessesMentioningSync(marker: string): void {
  for (const pid of processesMentioning(marker)) signal(pid, 'SIGKILL');
}

/**
 * Lazily unmounts whatever is still mounted under `dir` (deepest first), then deletes it.
 * dockerd bind-mounts its data-root onto itself, and a killed daemon also leaves network-namespace
 * and shm mounts behind; rm cannot cross any of those.
 */
export async function removeEngineDir(dir: string): Promise<void> {
  for (const mountPoint of mountPointsUnder(dir)) {
    await execFileAsync('umount', ['-l', mountPoint]).catch(() => undefined); // gone already
  }
  // vfs layers are whole copies of image trees: many files, so retry through transient EBUSY.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** The same for a process 'exit' hook; best effort, since an exit hook has nobody to report to. */
export function removeEngineDirSync(dir: string): void {
  try {
    for (const mountPoint of mountPointsUnder(dir)) execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // left for reapAbandonedEngines() of a later run
  }
}

function mountPointsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
