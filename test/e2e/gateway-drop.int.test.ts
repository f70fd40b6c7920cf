/**
 * The gateway ending the agent's connection while a container's lines stream — three times,
 * through @connections DeleteConnection, as a network blip, a gateway restart or the 2-hour limit
 * would (the emulator's maximum duration applies to the viewer's connection too, which would end
 * the viewer's subscription; that limit has its own spec, test/infra/local/gateway-lifecycle) — on
 * real parts: the run's private dockerd, the real agent, the local gateway emulator running the
 * real handlers, dynalite, and a viewer counting numbered lines (issue 8, defect 8).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type Dockerode from 'dockerode';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { allShown, conflictingRepeats, expectedTexts, shownLines, watchAndGo } from './numbered-lines';
import { listedContainer, startLifecycleStack, type LifecycleStack } from './lifecycle-stack';

const AGENT_ID = 'dropped-host';
const LINES = 2_000;
const PAUSE_US = 2_000;

describe('the gateway dropping the agent\'s connection mid-stream', () => {
  let stack: LifecycleStack | undefined;
  let container: Dockerode.Container | undefined;

  afterAll(async () => {
    await stack?.stop();
    await container?.remove({ force: true }).catch(() => {});
  });

  it('loses nothing: every line is shown once, in order (a redelivered batch repeats lines as they were)', async () => {
    const docker = dockerFromHost(inject('dockerHost'));
    stack = await startLifecycleStack(docker, AGENT_ID);
    container = await listedContainer(stack, docker, inject('busyboxImage'), AGENT_ID, LINES, PAUSE_US);
    const management = new ApiGatewayManagementApiClient({ endpoint: stack.cloud.connectionsEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    await watchAndGo(stack.viewer, AGENT_ID, container);
    const dropped: string[] = [];
    for (const part of [1, 2, 3]) {
      await stack.viewer.waitUntil(() => shownLines(stack!.viewer, container!.id).length > (LINES * part) / 4, `${part} quarter(s) of the lines arrive`, 60_000);
      const current = (await stack.agents.get(AGENT_ID))!.connectionId;
      await management.send(new DeleteConnectionCommand({ ConnectionId: current }));
      dropped.push(current);
    }
    await allShown(stack.viewer, container.id, LINES + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    management.destroy();

    expect(new Set(dropped).size).toBe(3);
    expect(stack.connected).toHaveLength(4);
    const shown = shownLines(stack.viewer, container.id);
    expect(shown.map((l) => l.text)).toEqual(expectedTexts(LINES));
    expect(shown.map((l) => l.seq)).toEqual(expectedTexts(LINES).map((_, i) => i + 1));
    expect(conflictingRepeats(stack.viewer, container.id)).toEqual([]);
  }, 90_000);
});
