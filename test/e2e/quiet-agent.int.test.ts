/**
 * A quiet agent (no container streams) on the local gateway with its idle timeout scaled down to
 * 1.5 s: its heartbeat keeps the one connection open, as it keeps a real one inside API Gateway's
 * 10 minutes (the agent pings after 30 s without a frame). Real agent, gateway, handlers, dynalite.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack';

describe('a quiet agent', () => {
  let stack: LifecycleStack | undefined;

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps its connection open past the gateway\'s idle timeout with its heartbeat alone', async () => {
    stack = await startLifecycleStack(dockerFromHost(inject('dockerHost')), 'quiet-host', {
      gateway: { idleTimeoutMs: 1_500 },
      tuning: { heartbeatMs: 500, heartbeatTimeoutMs: 2_000 },
    });
    const registered = (await stack.agents.get('quiet-host'))!.connectionId;

    await new Promise((resolve) => setTimeout(resolve, 5_000));

    expect(stack.connected).toHaveLength(1);
    expect((await stack.agents.get('quiet-host'))).toMatchObject({ connectionId: registered, online: true });
  });
});
