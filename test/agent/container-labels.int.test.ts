/**
 * The sidetail.enable label on the real engine (the run's private dockerd): a container labelled
 * sidetail.enable=false is not there for the cloud — not listed at registration or after events,
 * its id and name in nothing the agent sends, and a log.stream.start for it (which the cloud never
 * sends, since it refuses subscribes to containers it was not told of) is refused and logged. In
 * opt-in mode only containers labelled sidetail.enable=true are.
 */
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAgent, type Agent } from '../../agent/agent';
import { dockerFromHost } from '../../agent/docker/docker-client';
import { startLocalCloud } from '../../infra/local/cloud';
import { ViewerClient } from '../support/viewer-client';
import { eventually } from './support/eventually';
import { RecordingLogger } from './support/recording-logger';
import { TestCloud } from './support/test-cloud';

describe('which containers the agent shows, by their sidetail.enable label, on a real engine', () => {
  const docker = dockerFromHost(inject('dockerHost'));
  const containers: Docker.Container[] = [];
  let cloud: TestCloud | undefined;
  let agent: Agent | undefined;
  let logger: RecordingLogger;

  afterEach(async () => {
    await agent?.stop();
    await cloud?.close();
    agent = undefined;
    cloud = undefined;
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true }).catch(() => {})));
  });

  /** A running container that prints a line a tenth of a second, with a name unique to this run. */
  async function run(name: string, labels: Record<string, string>): Promise<{ id: string; name: string }> {
    const unique = `${name}-${randomUUID().slice(0, 8)}`;
    const container = await docker.createContainer({
      Image: inject('busyboxImage'),
      name: unique,
      Labels: labels,
      Cmd: ['sh', '-c', `while true; do echo "${unique} says hello"; usleep 100000; done`],
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(container);
    await container.start();
    return { id: container.id, name: unique };
  }

  async function startAgent(optIn = false): Promise<void> {
    cloud = await TestCloud.start();
    logger = new RecordingLogger();
    agent = createAgent({ url: cloud.url, token: 't', hostName: 'labels-box', docker, logger, optIn, tuning: { batchDelayMs: 5 } });
    agent.start();
  }

  /** Every message the agent sent, as sent. */
  /** Everything the agent sent, with the texts of the lines its batches carry packed. */
  const sent = (): string => cloud!.connections.flatMap((c) => [...c.messages, ...c.batches.flatMap((b) => b.lines.map((l) => l.text))]).join('\n');

  /** The ids the agent listed in its latest registration, plus those its inventories added since. */
  function listed(): string[] {
    const messages = cloud!.last.json;
    const lastRegister = messages.findLastIndex((m) => m.action === 'agent.register');
    if (lastRegister === -1) return [];
    const ids = new Set((messages[lastRegister] as unknown as { containers: { id: string }[] }).containers.map((c) => c.id));
    for (const m of messages.slice(lastRegister + 1)) {
      if (m.action !== 'agent.inventory') continue;
      const { upsert, remove } = m as unknown as { upsert: { id: string }[]; remove: string[] };
      for (const c of upsert) ids.add(c.id);
      for (const id of remove) ids.delete(id);
    }
    return [...ids];
  }

  it('never lists a container labelled sidetail.enable=false, at registration or after Docker events, nor sends its id or name', async () => {
    const shown = await run('shown', {});
    const hidden = await run('secret-billing', { 'sidetail.enable': 'false' });
    await startAgent();
    await eventually(() => expect(listed()).toContain(shown.id));

    // Created while the agent runs: reported (or not) through Docker's events and agent.inventory.
    const hiddenLater = await run('secret-payroll', { 'sidetail.enable': 'false' });
    const shownLater = await run('shown-later', { 'sidetail.enable': 'true' });
    await eventually(() => expect(listed()).toContain(shownLater.id));
    await docker.getContainer(hiddenLater.id).restart({ t: 0 });
    await docker.getContainer(shownLater.id).restart({ t: 0 });
    await eventually(() => expect(cloud!.last.actions.filter((a) => a === 'agent.inventory').length).toBeGreaterThanOrEqual(2));

    expect(listed()).not.toContain(hidden.id);
    for (const secret of [hidden, hiddenLater]) {
      expect(sent()).not.toContain(secret.id);
      expect(sent()).not.toContain(secret.name);
    }
  });

  it('refuses a log.stream.start for a hidden container, says why, and streams nothing of it', async () => {
    const shown = await run('shown', {});
    const hidden = await run('secret-billing', { 'sidetail.enable': 'false' });
    await startAgent();
    await eventually(() => expect(listed()).toContain(shown.id));

    cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: hidden.id, tail: 100, epoch: 1 }));
    cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: shown.id, tail: 100, epoch: 1 }));

    await eventually(() => expect(logger.matching(/refused/)).toEqual([
      `Cannot follow the logs of container ${hidden.id.slice(0, 12)}: refused, as it is labelled sidetail.enable=false.`,
    ]));
    // The shown container's lines flow meanwhile: the refusal is about that container only.
    await eventually(() => expect(sent()).toContain(`${shown.name} says hello`));
    expect(sent()).not.toContain(hidden.name);
    expect(cloud!.last.json.filter((m) => m.action === 'log.batch').map((m) => m.containerId)).not.toContain(hidden.id);
  });

  describe('in opt-in mode', () => {
    it('lists and streams only containers labelled sidetail.enable=true', async () => {
      const optedIn = await run('opted-in', { 'sidetail.enable': 'true' });
      const unlabelled = await run('unlabelled', {});
      const hidden = await run('secret', { 'sidetail.enable': 'false' });
      await startAgent(true);
      await eventually(() => expect(listed()).toEqual([optedIn.id]));

      cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: unlabelled.id, tail: 100, epoch: 1 }));
      cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: optedIn.id, tail: 100, epoch: 1 }));

      await eventually(() => expect(logger.matching(/refused/)).toEqual([
        `Cannot follow the logs of container ${unlabelled.id.slice(0, 12)}: refused, as the agent runs opt-in and it is not labelled sidetail.enable=true.`,
      ]));
      await eventually(() => expect(sent()).toContain(`${optedIn.name} says hello`));
      for (const other of [unlabelled, hidden]) {
        expect(sent()).not.toContain(other.id);
        expect(sent()).not.toContain(other.name);
      }
    });
  });

  it('through the local cloud: a viewer never sees a hidden container, and subscribing to it by id is refused', async () => {
    const shown = await run('shown', {});
    const hidden = await run('secret-billing', { 'sidetail.enable': 'false' });
    const local = await startLocalCloud({ gatewayPort: 0, agentId: 'labels-host' });
    const viewer = await ViewerClient.connect(local.wsUrl, local.viewerToken);
    logger = new RecordingLogger();
    agent = createAgent({ url: local.wsUrl, token: local.agentToken, hostName: 'labels-host.test', docker, logger });
    try {
      agent.start();
      viewer.send({ action: 'inventory.get' });
      await viewer.waitFor((m) =>
        (m.action === 'inventory' && m.hosts.some((h) => h.agentId === 'labels-host' && h.containers.some((c) => c.id === shown.id))) ||
        (m.action === 'host.containers' && m.upsert.some((c) => c.id === shown.id)),
      );

      viewer.send({ action: 'log.subscribe', agentId: 'labels-host', containerId: hidden.id });
      const refusal = await viewer.waitFor((m) => m.action === 'error' && m.requestAction === 'log.subscribe');

      expect(refusal).toMatchObject({ code: 'unknown_target' });
      // The refusal repeats the id the viewer sent; nothing else names it, and nothing its name.
      expect(JSON.stringify(viewer.received.filter((m) => m !== refusal))).not.toContain(hidden.id);
      expect(JSON.stringify(viewer.received)).not.toContain(hidden.name);
    } finally {
      await viewer.close();
      await agent.stop();
      agent = undefined;
      await local.stop();
    }
  });
});
