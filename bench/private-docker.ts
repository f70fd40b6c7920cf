/**
 * A private Docker engine for the benches that need a real one: the integration tests' own
 * (test/support/docker-engine.ts: its own dockerd, socket and data under a temp directory, as root)
 * with the locally built busybox image, stopped — containers, daemon and files — when the work ends.
 */
import type Docker from 'dockerode';
import { ensureBusyboxImage } from '../test/support/busybox-image';
import { startDockerEngine } from '../test/support/docker-engine';

export interface PrivateDocker {
  readonly docker: Docker;
  /** DOCKER_HOST for a CLI or a child process. */
  readonly dockerHost: string;
  readonly busyboxImage: string;
}

export async function withPrivateDocker<T>(work: (engine: PrivateDocker) => Promise<T>): Promise<T> {
  const engine = await startDockerEngine();
  try {
    const busyboxImage = await ensureBusyboxImage(engine.docker);
    return await work({ docker: engine.docker, dockerHost: engine.dockerHost, busyboxImage });
  } finally {
    await engine.stop();
  }
}
