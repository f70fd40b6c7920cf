/**
 * The agent replacing its connection before API Gateway's 2-hour limit (issue 8, defect 8), on a
 * fake Docker engine and TestCloud: nothing lost, nothing sent twice, one writer at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SidetailAgent } from '../../agent/agent';
import { entry, muxFrame, ts } from './support/docker-bytes';
import { FakeContainerSource } from './support/fake-container-source';
import { RecordingLogger } from './support/recording-logger';
import { TestCloud, type TestConnection } from './support/test-cloud';
import { eventually } from './support/eventually';

const FAST = { dockerRetryMs: 30, batchDelayMs: 1, recheckDelayMs: 5, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } };

function batchSeqs(connection: TestConnection): number[][] {
  return connection.batches.map((b) => b.lines.map((l) => l.seq));
}

describe('agent: replacing the connection before its maximum age', () => {
  let cloud: TestCloud | undefined;
  let agent: SidetailAgent | undefined;

  afterEach(async () => {
    await agent?.stop();
    await cloud?.close();
    agent = undefined;
    cloud = undefined;
  });

  it('lets the batch in flight be acked on the old connection, registers on the new one, sends what follows there, and closes the old one', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    agent = new SidetailAgent({
      url: cloud.url,
      token: 't',
      hostName: 'box-1.local',
      source,
      logger: new RecordingLogger(),
      tuning: { ...FAST, maxConnectionAgeMs: 1_000, replaceJitterMs: 0, handoverDrainMs: 30_000 },
    });
    agent.start();
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));
    const old = cloud.last;
    old.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));
    const stream = source.lastFollow('web1').stream;
    stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(batchSeqs(old)).toEqual([[1]]));

    // The replacement opens while line 1 is in flight; line 2 is written meanwhile.
    await eventually(() => expect(cloud!.connections).toHaveLength(2));
    const replacement = cloud.last;
    stream.write(muxFrame('stdout', entry(ts(2), 'two\n')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(replacement.actions).toEqual([]);
    expect(batchSeqs(old)).toEqual([[1]]);

    old.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));

    await eventually(() => expect(batchSeqs(replacement)).toEqual([[2]]));
    expect(replacement.actions[0]).toBe('agent.register');
    await eventually(() => expect(old.closeCode).toBe(1000));
    expect(batchSeqs(old)).toEqual([[1]]);
    expect(cloud.connections).toHaveLength(2);
  });

  it('sends a batch the old connection never acks again on the new one after the drain timeout, once; a late ack on the old one changes nothing', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    agent = new SidetailAgent({
      url: cloud.url,
      token: 't',
      hostName: 'box-1.local',
      source,
      logger: new RecordingLogger(),
      tuning: { ...FAST, maxConnectionAgeMs: 800, replaceJitterMs: 0, handoverDrainMs: 300 },
    });
    agent.start();
    await eventually(() => expect(cloud!.last.actions).toEqual(['agent.register']));
    const old = cloud.last;
    old.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));
    const stream = source.lastFollow('web1').stream;
    stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    await eventually(() => expect(batchSeqs(old)).toEqual([[1]]));

    await eventually(() => expect(cloud!.connections).toHaveLength(2));
    const replacement = cloud.last;
    await eventually(() => expect(batchSeqs(replacement)).toEqual([[1]]));
    old.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));
    replacement.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));
    stream.write(muxFrame('stdout', entry(ts(2), 'two\n')));

    await eventually(() => expect(batchSeqs(replacement)).toEqual([[1], [2]]));
    expect(batchSeqs(old)).toEqual([[1]]);
  });

  it('reports its lag and pending lines periodically once registered (agent.status)', async () => {
    cloud = await TestCloud.start();
    const source = new FakeContainerSource();
    source.addContainer('web1');
    agent = new SidetailAgent({ url: cloud.url, token: 't', hostName: 'box-1.local', source, logger: new RecordingLogger(), tuning: { ...FAST, statusIntervalMs: 100 } });
    agent.start();
    await eventually(() => expect(cloud!.last.actions[0]).toBe('agent.register'));
    cloud.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
    await eventually(() => expect(source.follows).toHaveLength(1));
    source.lastFollow('web1').stream.write(muxFrame('stdout', entry(ts(1), 'one\n')));
    const statuses = () => cloud!.last.json.filter((m) => m.action === 'agent.status');

    await eventually(() => expect(statuses().at(-1)).toMatchObject({ pendingLines: 1, skipped: {} }));
    cloud.last.send(JSON.stringify({ action: 'log.ack', containerId: 'web1', seq: 1 }));

    await eventually(() => expect(statuses().at(-1)).toMatchObject({ lagMs: 0, pendingLines: 0 }));
  });
});
