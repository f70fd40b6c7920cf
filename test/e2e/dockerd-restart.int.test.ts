/**
 * dockerd restarted while the agent follows a container — the follow stream and the event stream
 * break, the engine is away for a few seconds, the container (live-restore) keeps writing — on
 * real parts: a private dockerd of this file's own (restarting the run's shared one would disturb
 * the other files' tests), the real agent, the local gateway emulator running the real handlers,
 * dynalite, and a viewer counting numbered lines (issue 8).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { ensureBusyboxImage } from '../support/busybox-image';
import { startDockerEngine, type DockerEngine } from '../support/docker-engine';
import { allShown, conflictingRepeats, expectedTexts, shownLines, watchAndGo } from './numbered-lines';
import { listedContainer, startLifecycleStack, type LifecycleStack } from './lifecycle-stack';

const AGENT_ID = 'restarted-engine-host';
const LINES = 2_000;
const PAUSE_US = 3_000;

describe('dockerd restarted mid-follow', () => {
  let engine: DockerEngine | undefined;
  let stack: LifecycleStack | undefined;
  let container: Dockerode.Container | undefined;

  afterAll(async () => {
    await stack?.stop();
    await container?.remove({ force: true }).catch(() => {});
    await engine?.stop();
  });

  it('loses nothing: the follow resumes once the engine is back, and every line is shown once, in order', async () => {
    engine = await startDockerEngine({ liveRestore: true });
    const image = await ensureBusyboxImage(engine.docker);
    stack = await startLifecycleStack(engine.docker, AGENT_ID, { tuning: { recheckDelayMs: 200 } });
    container = await listedContainer(stack, engine.docker, image, AGENT_ID, LINES, PAUSE_US);

    await watchAndGo(stack.viewer, AGENT_ID, container);
    await stack.viewer.waitUntil(() => shownLines(stack!.viewer, container!.id).length > LINES / 4, 'a quarter of the lines arrive', 60_000);
    const pidBefore = engine.pid;
    await engine.restart();
    const shownAtRestart = shownLines(stack.viewer, container.id).length;
    await allShown(stack.viewer, container.id, LINES + 1, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(engine.pid).not.toBe(pidBefore);
    expect(shownAtRestart).toBeLessThan(LINES);
    const shown = shownLines(stack.viewer, container.id);
    expect(shown.map((l) => l.text)).toEqual(expectedTexts(LINES));
    expect(shown.map((l) => l.seq)).toEqual(expectedTexts(LINES).map((_, i) => i + 1));
    expect(conflictingRepeats(stack.viewer, container.id)).toEqual([]);
  }, 240_000);
});
