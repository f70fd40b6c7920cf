import { beforeEach, describe, expect, it } from 'vitest';
import { disconnect } from '../../../lambdas/domain/disconnect';
import { ingestBatch } from '../../../lambdas/domain/ingest-batch';
import { AgentUnreachable } from '../../../lambdas/domain/send-to-agent';
import { subscribe } from '../../../lambdas/domain/subscribe';
import { agentBatch } from '../../support/packed-batches';
import { addAgent, addViewer, container, createWorld, EPOCH, lines, NOW, type World } from './in-memory-deps';

/** Stream commands to an agent are never lost in silence (issue 7: nothing lost in silence). */
describe('stream commands that cannot reach the agent', () => {
  const agent = { connectionId: 'agent-conn', role: 'agent', requestTime: NOW, agentId: 'host-1', connectedAt: NOW - 60_000 } as const;
  let world: World;
  beforeEach(async () => {
    world = createWorld();
    await addAgent(world);
    await addViewer(world, 'viewer-1');
  });

  it('fail the subscribe when its stream start cannot be posted even after retrying, so the viewer is told and tries again', async () => {
    world.messenger.failing.add('agent-conn');

    const attempt = subscribe({ ...world, deadline: NOW + 10_000 }, { connectionId: 'viewer-1', role: 'viewer', requestTime: NOW }, {
      action: 'log.subscribe',
      agentId: 'host-1',
      containerId: 'c1',
    });

    await expect(attempt).rejects.toBeInstanceOf(AgentUnreachable);
    expect(world.messenger.attempts.get('agent-conn')).toBeGreaterThan(1);
  });

  it('log a stop that cannot be posted and let the clean-up finish', async () => {
    await world.subscriptions.add('viewer-1', container());
    world.messenger.failing.add('agent-conn');

    await disconnect({ ...world, deadline: NOW + 10_000 }, 'viewer-1');

    expect(await world.connections.get('viewer-1')).toBeUndefined();
    expect(world.logger.entries).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('stream stop lost') }));
  });

  it('stop a stream when a batch arrives for a container nobody watches: a lost stop heals at the next batch', async () => {
    await ingestBatch(world, agent, agentBatch('c1', EPOCH, lines(1, 2)));

    expect(world.messenger.to('agent-conn')).toEqual([
      { action: 'log.ack', containerId: 'c1', seq: 2 },
      { action: 'log.stream.stop', containerId: 'c1' },
    ]);
  });

  it('keep a watched stream running: a batch with subscribers sends no stop', async () => {
    await world.subscriptions.add('viewer-1', container());

    await ingestBatch(world, agent, agentBatch('c1', EPOCH, lines(1, 2)));

    expect(world.messenger.to('agent-conn')).toEqual([{ action: 'log.ack', containerId: 'c1', seq: 2 }]);
  });
});
