import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import Docker from 'dockerode';

import { DockerEngineStartError, DockerEngineUnavailableError } from './docker-engine-errors';
import {
  killProcessesMentioning,
  killProcessesMentioningSync,
  OWNER_FILE,
  reapAbandonedEngines,
  removeEngineDir,
  removeEngineDirSync,
} from './engine-leftovers';

export { DockerEngineStartError, DockerEngineStopError, DockerEngineUnavailableError } from './docker-engine-errors';

/** A private Docker engine: its own dockerd, containerd, socket, data and state, all under `rootDir`. */
export interface DockerEngine {
  readonly rootDir: string;
  readonly socketPath: string;
  /** `unix://<socketPath>`, the DOCKER_HOST form. */
  readonly dockerHost: string;
  /** dockerd's pid. */
  readonly pid: number;
  readonly docker: Docker;
  /** Removes all containers, stops dockerd (SIGTERM, then SIGKILL) and deletes `rootDir`. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops dockerd (SIGTERM) and starts it again on the same data, socket and containerd namespace,
   * resolving once it answers. With `liveRestore` its containers keep running meanwhile.
   */
  restart(): Promise<void>;
}

export interface DockerEngineOptions {
  /** Default: `dockerd` on PATH or in the system sbin/bin directories. */
  readonly dockerdPath?: string;
  /** How long dockerd may take to answer /_ping. Default 60 s (two loaded cores can be slow). */
  readonly startTimeoutMs?: number;
  /** How long dockerd may take to exit after SIGTERM before it is SIGKILLed. Default 20 s. */
  readonly stopTimeoutMs?: number;
  /** dockerd's --live-restore: containers keep running while dockerd is down (restart()). Default false. */
  readonly liveRestore?: boolean;
}

// sun_path holds 108 bytes including the NUL; the deepest socket dockerd makes is under the exec-root.
const MAX_SOCKET_PATH = 107;
const DEEPEST_SOCKET = '/exec/containerd/containerd-debug.sock';
const DIR_PREFIX = 'sidetail-dockerd-';
const DIR_NAME_LENGTH = DIR_PREFIX.length + 6; // mkdtemp appends six characters
// Where Debian puts dockerd, containerd and runc; a non-login root shell may lack the sbin ones.
const SYSTEM_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const LOG_TAIL_LINES = 40;

export async function startDockerEngine(options: DockerEngineOptions = {}): Promise<DockerEngine> {
  const { startTimeoutMs = 60_000, stopTimeoutMs = 20_000 } = options;
  assertRoot();
  const dockerdPath = options.dockerdPath ?? findDockerd();
  assertExecutable(dockerdPath);

  const baseDir = baseDirForSockets();
  await reapAbandonedEngines(baseDir, DIR_PREFIX);
  const rootDir = await mkdtemp(join(baseDir, DIR_PREFIX));
  await writeFile(join(rootDir, OWNER_FILE), `${process.pid}\n`);
  // The directory's random name also names the containerd namespace, so every process of this
  // engine (dockerd, containerd, shims) mentions it and can be found for cleanup.
  const marker = basename(rootDir);
  const socketPath = join(rootDir, 'docker.sock');
  const logPath = join(rootDir, 'dockerd.log');
  const configPath = join(rootDir, 'daemon.json');
  // An empty config of our own keeps a host's /etc/docker/daemon.json from conflicting with our flags.
  await writeFile(configPath, '{}\n');
  const tmpDir = join(rootDir, 'tmp');
  await mkdir(tmpDir);

  const dockerdArgs = [
    `--config-file=${configPath}`,
    `--data-root=${join(rootDir, 'data')}`,
    `--exec-root=${join(rootDir, 'exec')}`,
    `--pidfile=${join(rootDir, 'dockerd.pid')}`,
    `--host=unix://${socketPath}`,
    `--containerd-namespace=${marker}`,
    `--containerd-plugins-namespace=${marker}-plugins`,
    '--storage-driver=vfs',
    // No bridge, no iptables, no forwarding: this engine must not touch the host's network setup.
    '--bridge=none',
    '--iptables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    // Containers still running at shutdown get this long to stop before they are killed.
    '--shutdown-timeout=2',
    ...(options.liveRestore ? ['--live-restore'] : []),
  ];
  let dockerd = spawnDockerd(dockerdPath, logPath, tmpDir, dockerdArgs);
  let exited = exitOf(dockerd);

  // If the test process exits without stop() (a crash, process.exit), take the engine down with it.
  const killOnExit = () => {
    killProcessesMentioningSync(marker);
    removeEngineDirSync(rootDir);
  };
  process.once('exit', killOnExit);

  const destroy = async (): Promise<void> => {
    dockerd.kill('SIGKILL');
    await exited;
    await killProcessesMentioning(marker);
    await removeEngineDir(rootDir);
    process.removeListener('exit', killOnExit);
  };

  const failure = await waitUntilAnswering(socketPath, exited, startTimeoutMs);
  if (failure !== undefined) {
    const log = await logTail(logPath);
    await destroy();
    throw new DockerEngineStartError(`dockerd (${dockerdPath}) ${failure}.\n--- dockerd log (tail) ---\n${log}`);
  }

  const docker = new Docker({ socketPath });
  let stopping: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    // Force-removing first is immediate; dockerd's own shutdown would wait on each container.
    await withinMs(removeAllContainers(docker), 10_000);
    dockerd.kill('SIGTERM');
    if (!(await withinMs(exited, stopTimeoutMs))) dockerd.kill('SIGKILL');
    await destroy();
  };

  const restart = async (): Promise<void> => {
    dockerd.kill('SIGTERM');
    if (!(await withinMs(exited, stopTimeoutMs))) dockerd.kill('SIGKILL');
    await exited;
    dockerd = spawnDockerd(dockerdPath, logPath, tmpDir, dockerdArgs);
    exited = exitOf(dockerd);
    const failure = await waitUntilAnswering(socketPath, exited, startTimeoutMs);
    if (failure !== undefined) throw new DockerEngineStartError(`dockerd (${dockerdPath}) ${failure} after a restart.\n--- dockerd log (tail) ---\n${await logTail(logPath)}`);
  };

  return {
    rootDir,
    socketPath,
    dockerHost: `unix://${socketPath}`,
    get pid() {
      return dockerd.pid ?? -1;
    },
    docker,
    stop: () => (stopping ??= shutdown()),
    restart,
  };
}

function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new DockerEngineUnavailableError(
      `a private dockerd needs root (uid is ${process.getuid?.()}); run the integration tests as root, as CI does`,
    );
  }
}

function findDockerd(): string {
  for (const dir of searchPath().split(delimiter)) {
    const candidate = join(dir, 'dockerd');
    if (isExecutable(candidate)) return candidate;
  }
  throw new DockerEngineUnavailableError(
    'dockerd was not found on PATH or in /usr/sbin; install it: apt-get install docker.io (or run .ci/run)',
  );
}

function assertExecutable(path: string): void {
  if (!isExecutable(path)) {
    throw new DockerEngineUnavailableError(`dockerd at ${path} does not exist or is not executable`);
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...new Set([...dirs, ...SYSTEM_BIN_DIRS])].join(delimiter);
}

function baseDirForSockets(): string {
  for (const base of [tmpdir(), '/tmp']) {
    if (join(base, 'x').length - 1 + DIR_NAME_LENGTH + DEEPEST_SOCKET.length <= MAX_SOCKET_PATH) return base;
  }
  throw new DockerEngineUnavailableError('no temporary directory short enough for unix socket paths');
}

function spawnDockerd(dockerdPath: string, logPath: string, tmpDir: string, args: string[]): ChildProcess {
  // dockerd writes to a file, not a pipe: a pipe nobody drains would eventually block the daemon.
  const logFd = openSync(logPath, 'a');
  try {
    const child = spawn(dockerdPath, args, {
      stdio: ['ignore', logFd, logFd],
      // A minimal environment: dockerd finds containerd and runc on PATH; proxies etc. stay out.
      // TMPDIR keeps what they drop in temp (containerd's stack dumps) inside the engine directory.
      env: { PATH: searchPath(), TMPDIR: tmpDir },
    });
    // The test process must be free to exit even if a caller forgets stop(); the exit hook cleans up.
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

/** Resolves with a description of how the process ended (never rejects). */
function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
  });
}

/** Polls /_ping until it answers; returns undefined on success, else why it never did. */
async function waitUntilAnswering(socketPath: string, exited: Promise<string>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));
  for (;;) {
    if (await pings(socketPath)) return undefined;
    if (exitReason !== undefined) return exitReason;
    if (Date.now() > deadline) return `did not answer /_ping on ${socketPath} within ${timeoutMs} ms`;
    await sleep(100);
  }
}

function pings(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body === 'OK'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false)); // the socket does not exist yet, or refused
    req.end();
  });
}

async function logTail(logPath: string): Promise<string> {
  try {
    return (await readFile(logPath, 'utf8')).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch (error) {
    return `(no log: ${(error as Error).message})`;
  }
}

async function removeAllContainers(docker: Docker): Promise<void> {
  try {
    const containers = await docker.listContainers({ all: true });
    await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  } catch {
    // the daemon is already unhealthy; SIGTERM/SIGKILL and the process sweep still clean up
  }
}

/** Resolves true if `promise` settled within `ms`, false otherwise. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timeout = new AbortController();
  try {
    return await Promise.race([
      promise.then(() => true),
      sleep(ms, false, { signal: timeout.signal }),
    ]);
  } finally {
    timeout.abort();
  }
}
