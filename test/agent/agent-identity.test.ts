/**
 * Who the agent says it is: the host name it shows as (configured, else the Docker engine's own
 * name — inside a container, os.hostname() is the container's id) and the agent id, which is
 * always its credential's; a configured one must match it.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SidetailAgent, type AgentDependencies } from '../../agent/agent';
import { eventually } from './support/eventually';
import { FakeContainerSource } from './support/fake-container-source';
import { RecordingLogger } from './support/recording-logger';
import { TEST_AGENT_ID, TestCloud } from './support/test-cloud';

const FAST = { dockerRetryMs: 30, batchDelayMs: 1, recheckDelayMs: 5, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } };

/** An engine that answers `docker info` with its own name (or fails to). */
class NamedEngine extends FakeContainerSource {
  infoCalls = 0;
  constructor(private readonly name: string | Error) {
    super();
  }

  async engineName(): Promise<string> {
    this.infoCalls += 1;
    if (this.name instanceof Error) throw this.name;
    return this.name;
  }
}

describe('the agent\'s identity', () => {
  let cloud: TestCloud | undefined;
  let agent: SidetailAgent | undefined;
  let logger: RecordingLogger;

  afterEach(async () => {
    await agent?.stop();
    await cloud?.close();
    agent = undefined;
    cloud = undefined;
  });

  async function started(source: FakeContainerSource, options: Partial<AgentDependencies> = {}): Promise<SidetailAgent> {
    cloud ??= await TestCloud.start();
    logger = new RecordingLogger();
    agent = new SidetailAgent({ url: cloud.url, token: 't', source, logger, tuning: FAST, ...options });
    agent.start();
    return agent;
  }

  const registrations = () => cloud!.connections.flatMap((c) => c.json.filter((m) => m.action === 'agent.register'));

  describe('its host name', () => {
    it('is the Docker engine\'s own name when none is configured', async () => {
      await started(new NamedEngine('docker-host-1'));

      await eventually(() => expect(registrations().at(-1)).toMatchObject({ hostName: 'docker-host-1' }));
      expect(logger.matching(/Host name "docker-host-1"/)).toEqual([
        'Host name "docker-host-1": the Docker engine\'s name (--host-name or SIDETAIL_HOST_NAME sets another).',
      ]);
    });

    it('is the configured one when given, and the engine is not asked', async () => {
      const source = new NamedEngine('docker-host-1');
      await started(source, { hostName: 'edge-7.example.com' });

      await eventually(() => expect(registrations()).not.toHaveLength(0));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(registrations().map((r) => r.hostName)).toEqual(registrations().map(() => 'edge-7.example.com'));
      expect(source.infoCalls).toBe(0);
    });

    it('falls back to this machine\'s host name while the engine cannot say, saying so once', async () => {
      await started(new NamedEngine(new Error('connect EACCES /var/run/docker.sock')));

      await eventually(() => expect(registrations().at(-1)).toMatchObject({ hostName: os.hostname() }));
      await eventually(() => expect(logger.matching(/Could not ask Docker for its name/)).toHaveLength(1));
    });
  });

  describe('its agent id', () => {
    it('is the credential\'s, and a configured one that equals it changes nothing', async () => {
      const source = new NamedEngine('docker-host-1');
      source.addContainer('web1');
      const fatal: string[] = [];
      await started(source, { agentId: TEST_AGENT_ID, onFatal: (message) => fatal.push(message) });

      await eventually(() => expect(logger.matching(/Registered as agent "box-1"/)).toHaveLength(1));
      cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
      await eventually(() => expect(source.follows).toHaveLength(1));
      expect(fatal).toEqual([]);
    });

    it('stops the agent with a clear error when the credential belongs to another agent id than the one configured', async () => {
      const source = new NamedEngine('docker-host-1');
      source.addContainer('web1');
      const fatal: string[] = [];
      await started(source, { agentId: 'edge-7', onFatal: (message) => fatal.push(message) });

      const expected =
        'The credential (SIDETAIL_AGENT_TOKEN) is for agent "box-1", but SIDETAIL_AGENT_ID (--agent-id) says "edge-7": ' +
        'use the token minted for "edge-7", or set the agent id to "box-1". Stopping.';
      await eventually(() => expect(fatal).toEqual([expected]));
      expect(logger.matching(/The credential/)).toEqual([expected]);
      await eventually(() => expect(cloud!.last.closeCode).toBeDefined());
      // Nothing but the registration went: no inventory, no stream, under a name it does not own.
      cloud!.last.send(JSON.stringify({ action: 'log.stream.start', containerId: 'web1', tail: 50, epoch: 1 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(cloud!.connections.flatMap((c) => c.actions).filter((a) => a !== 'agent.register')).toEqual([]);
      expect(source.follows).toEqual([]);
    });
  });
});
