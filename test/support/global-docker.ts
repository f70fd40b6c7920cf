import type { TestProject } from 'vitest/node';

import { ensureBusyboxImage } from './busybox-image';
import { startDockerEngine } from './docker-engine';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the private engine shared by this run's integration tests: `unix:///…/docker.sock`. */
    dockerHost: string;
    /** The same engine's socket path, for `new Docker({ socketPath })`. */
    dockerSocketPath: string;
    /** Tag of a local busybox image (sh, echo, sleep, …) already present on that engine. */
    busyboxImage: string;
  }
}

/**
 * Vitest globalSetup of the `integration` project: one private dockerd for the whole run, since
 * starting one takes seconds. Vitest only runs a project's globalSetup when that project has test
 * files in the run, so unit-only runs (`--exclude '**\/*.int.test.ts'`) never start it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const engine = await startDockerEngine();
  let busyboxImage: string;
  try {
    busyboxImage = await ensureBusyboxImage(engine.docker);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  project.provide('dockerHost', engine.dockerHost);
  project.provide('dockerSocketPath', engine.socketPath);
  project.provide('busyboxImage', busyboxImage);
  console.log(`[docker] private engine ${engine.dockerHost} with ${busyboxImage} ready in ${Date.now() - startedAt} ms`);
  return () => engine.stop();
}
