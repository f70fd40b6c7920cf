/**
 * The agent replacing its connection at its maximum age while a container's lines stream, on real
 * parts: the run's private dockerd, the real agent, the local gateway emulator running the real
 * handlers, dynalite, and a viewer counting numbered lines (issue 8, defect 8). Scaled down: the
 * agent replaces every 1.5 s (in production 1 h 45–50 min), the gateway would cut at 20 s (2 h).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { allShown, expectedTexts, receivedLines, watchAndGo } from './numbered-lines';
import { listedContainer, startLifecycleStack, type LifecycleStack } from './lifecycle-stack';

const AGENT_ID = 'replaced-host';
const LINES = 2_000;
const PAUSE_US = 2_000;

describe('a connection replaced at its maximum age mid-stream', () => {
  let stack: LifecycleStack | undefined;
  let container: Dockerode.Container | undefined;

  afterAll(async () => {
    await stack?.stop();
    await container?.remove({ force: true }).catch(() => {});
  });

  it('loses and repeats nothing: every line reaches the viewer once, in order', async () => {
    const docker = dockerFromHost(inject('dockerHost'));
    stack = await startLifecycleStack(docker, AGENT_ID, { gateway: { maxDurationMs: 20_000 }, tuning: { maxConnectionAgeMs: 1_500, replaceJitterMs: 0 } });
    container = await listedContainer(stack, docker, inject('busyboxImage'), AGENT_ID, LINES, PAUSE_US);

    await watchAndGo(stack.viewer, AGENT_ID, container);
    await allShown(stack.viewer, container.id, LINES + 1);
    // Anything still on its way would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(stack.connected.length).toBeGreaterThanOrEqual(3);
    const lines = receivedLines(stack.viewer, container.id);
    expect(lines.map((l) => l.text)).toEqual(expectedTexts(LINES));
    expect(lines.map((l) => l.seq)).toEqual(expectedTexts(LINES).map((_, i) => i + 1));
  }, 90_000);
});
