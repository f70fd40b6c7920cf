/**
 * Hostile input through the local gateway, with both roles, on the real handlers and dynalite:
 * thousands of random and mutated messages, forged ids and floods, while a canary agent streams a
 * container to a canary viewer. No handler may fail, nothing outside the protocol may come back,
 * the store's invariants must hold, and the canary's lines must all arrive, once each.
 *
 * Replay a failure with SIDETAIL_FUZZ_SEED=<the printed seed>; SIDETAIL_FUZZ_CASES sets the count.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud';
import { createDocumentClient } from '../../lambdas/adapters/document-client';
import type { CloudToViewer, LogLine } from '../../protocol';
import { decompressLines } from '../../protocol/packed-zlib';
import { agentBatch, linesOfPacked, packedOf } from '../support/packed-batches';
import { FuzzClient } from './fuzz-client';
import { containerInfo, hostileFrame, type FrameKind, type FuzzTargets } from './hostile-messages';
import { SeededRandom } from './seeded-random';
import { scanAll, storeViolations } from './store-invariants';

const SEED = Number(process.env.SIDETAIL_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.SIDETAIL_FUZZ_CASES ?? 3000);
const CHUNK = 50;

const CANARY_HOST = 'canary-host';
const FUZZ_HOST = 'fuzz-host';
const CANARY_CONTAINER = 'c'.repeat(64);
const CANARY_BATCHES = 60;
const CANARY_LINES_PER_BATCH = 5;

const targets: FuzzTargets = {
  ownContainerIds: ['f'.repeat(64), 'e'.repeat(64)],
  foreignAgentId: CANARY_HOST,
  foreignContainerId: CANARY_CONTAINER,
};

function canaryLine(seq: number): LogLine {
  return { seq, ts: `2026-11-25T12:00:00.${String(seq).padStart(9, '0')}Z`, stream: 'stdout', text: `canary ${seq}` };
}

/** The canary agent: sends its batches one at a time, each until acked, in the stream's epoch. */
async function streamCanary(agent: FuzzClient, epoch: number): Promise<void> {
  for (let batch = 0; batch < CANARY_BATCHES; batch++) {
    const first = batch * CANARY_LINES_PER_BATCH + 1;
    const lines = Array.from({ length: CANARY_LINES_PER_BATCH }, (_, i) => canaryLine(first + i));
    const last = first + CANARY_LINES_PER_BATCH - 1;
    for (let attempt = 1; ; attempt++) {
      const from = agent.received.length;
      agent.send(JSON.stringify(agentBatch(CANARY_CONTAINER, epoch, lines)));
      try {
        await agent.waitFor((m) => m.action === 'log.ack' && m.seq === last, 5_000, from);
        break;
      } catch (error) {
        if (attempt >= 5) throw new Error(`canary batch ending at ${last} was never acked`, { cause: error });
      }
    }
  }
}

describe(`hostile input through the local gateway (seed ${SEED}, ${CASES} cases)`, () => {
  let cloud: LocalCloud;
  const errorsLogged: string[] = [];
  const clients: FuzzClient[] = [];
  const sentByKind = new Map<FrameKind | 'binary' | 'oversized' | 'flood', number>();
  let canaryAgent: FuzzClient;
  let canaryViewer: FuzzClient;
  let canaryEpoch: number;

  /** Each agent connection proves its host with its own credential; the fuzzing ones are all "fuzz-host". */
  const tokens = { canary: '', fuzz: '' };
  const open = async (role: 'agent' | 'viewer', agent: 'canary' | 'fuzz' = 'fuzz') => {
    const client = await FuzzClient.open(cloud.wsUrl, role, role === 'agent' ? tokens[agent] : cloud.viewerToken);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    console.info(`fuzz seed ${SEED}: replay with SIDETAIL_FUZZ_SEED=${SEED}`);
    // Rejections are logged as warnings by design (thousands here); failures as errors, which must not happen.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      const text = args.map(String).join(' ');
      // A conflicting batch is refused cleanly, and logged as an error on purpose (an agent's
      // numbering disagreeing with the buffer is worth an operator's look); fuzzing makes many.
      if (!text.includes('"message":"batch conflicts with a stored batch"')) errorsLogged.push(text);
    });
    cloud = await startLocalCloud();
    tokens.canary = await cloud.mint({ role: 'agent', agentId: CANARY_HOST });
    tokens.fuzz = await cloud.mint({ role: 'agent', agentId: FUZZ_HOST });

    canaryAgent = await open('agent', 'canary');
    canaryAgent.send(JSON.stringify({ action: 'agent.register', hostName: 'canary', agentVersion: 'fuzz', containers: [containerInfo(CANARY_CONTAINER)] }));
    await canaryAgent.waitFor((m) => m.action === 'agent.registered');
    canaryViewer = await open('viewer');
    canaryViewer.send(JSON.stringify({ action: 'log.subscribe', agentId: CANARY_HOST, containerId: CANARY_CONTAINER }));
    await canaryViewer.waitFor((m) => m.action === 'log.history' && m.done === true);
    const start = await canaryAgent.waitFor((m) => m.action === 'log.stream.start' && m.containerId === CANARY_CONTAINER);
    canaryEpoch = start.epoch as number;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cloud?.stop();
    vi.restoreAllMocks();
  });

  it('answers every message inside the protocol, fails no handler, and keeps the canary stream whole', async () => {
    const random = new SeededRandom(SEED);
    const fuzzers = [await open('agent'), await open('agent'), await open('viewer'), await open('viewer')];
    const count = (kind: FrameKind | 'binary' | 'oversized' | 'flood', n = 1) => sentByKind.set(kind, (sentByKind.get(kind) ?? 0) + n);
    const canary = streamCanary(canaryAgent, canaryEpoch);

    for (let sent = 0; sent < CASES; ) {
      for (let i = 0; i < CHUNK && sent < CASES; i++, sent++) {
        const index = random.int(0, fuzzers.length - 1);
        let client = fuzzers[index]!;
        if (!client.isOpen) fuzzers[index] = client = await open(client.role);
        const roll = random.next();
        if (roll < 0.005) {
          count('binary');
          client.send('{"action":"ping"}', { binary: true }); // API Gateway closes the connection (1003)
        } else if (roll < 0.01) {
          count('oversized');
          client.send(JSON.stringify({ action: 'log.batch', containerId: targets.ownContainerIds[0], epoch: 1, firstSeq: 1, lastSeq: 1, data: 'A'.repeat(random.pick([100_000, 140_000])) }));
        } else if (roll < 0.015) {
          count('flood', 200);
          for (let n = 0; n < 200; n++) client.send(random.chance(0.5) ? '{"action":"ping"}' : '{"action":"inventory.get"}');
        } else {
          const frame = hostileFrame(random, targets);
          count(frame.kind);
          client.send(frame.text);
        }
      }
      // Bound the work in flight: each fuzzer's messages so far have reached their handlers.
      for (const [index, client] of fuzzers.entries()) {
        if (!client.isOpen) fuzzers[index] = await open(client.role);
        else await client.roundTrip();
      }
    }
    await canary;
    // Each fuzzer's last messages have reached their handlers, not finished: a subscribe may have
    // written its subscriber item and not yet seen the unsubscribe that removes it. The invariants
    // are of the state the cloud settles on.
    await cloud.gateway.idle();

    console.info(`fuzz frames sent: ${[...sentByKind].map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
    expect(errorsLogged, 'failures the handlers logged').toEqual([]);
    expect(clients.flatMap((client) => client.strayFrames), 'frames outside the protocol').toEqual([]);

    // The canary viewer saw every canary line once, in order, and nothing forged.
    const lines = linesOfPacked(packedOf(canaryViewer.received as unknown as CloudToViewer[], CANARY_CONTAINER));
    const bySeq = new Map<number, LogLine>();
    for (const line of lines) {
      const seen = bySeq.get(line.seq);
      if (seen) expect(line).toEqual(seen);
      else bySeq.set(line.seq, line);
    }
    const expected = Array.from({ length: CANARY_BATCHES * CANARY_LINES_PER_BATCH }, (_, i) => canaryLine(i + 1));
    expect([...bySeq.values()].sort((a, b) => a.seq - b.seq)).toEqual(expected);

    const client = createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region });
    try {
      const items = await scanAll(client, cloud.store.tableName);
      expect(storeViolations(items), 'store invariants').toEqual([]);
      // Nobody but the canary agent wrote into the canary's buffer or took over its host record.
      const canaryBuffer = items.filter((item) => item.pk === `LOG#${CANARY_HOST}#${CANARY_CONTAINER}`);
      const stored = canaryBuffer.flatMap((item) => {
        const unpacked = decompressLines(item.data as Uint8Array);
        return unpacked.ok ? unpacked.lines : [];
      });
      expect(stored.filter((line) => !line.text.startsWith('canary ')), 'lines not the canary\'s in its buffer').toEqual([]);
      const host = items.find((item) => item.pk === 'AGENTS' && item.sk === `AGENT#${CANARY_HOST}`);
      expect(host?.hostName).toBe('canary');
      // Nor removed or rewrote the canary's container (other agents write their own HOST# only).
      const canaryContainer = items.find((item) => item.pk === `HOST#${CANARY_HOST}` && item.sk === `C#${CANARY_CONTAINER}`);
      expect(canaryContainer?.info).toMatchObject({ id: CANARY_CONTAINER });
    } finally {
      client.destroy();
    }
  }, 300_000);

  it('leaves nothing of the connections behind once they have all closed', async () => {
    await Promise.all(clients.map((client) => client.close()));
    const client = createDocumentClient({ endpoint: cloud.store.endpoint, region: cloud.store.region });
    // Connection, enrolment and subscription items, and unsubscribe markers; credentials' own
    // connection items (CRED#…) expire by design (docs/data-model.md).
    const leftovers = async () =>
      (await scanAll(client, cloud.store.tableName))
        .filter((item) => /^(CONN#|SUBS#|VIEWERS)/.test(item.pk))
        .map((item) => `${item.pk} / ${item.sk}`);
    try {
      for (let waited = 0; (await leftovers()).length > 0 && waited < 15_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
      expect(await leftovers()).toEqual([]);
    } finally {
      client.destroy();
    }
  }, 60_000);
});
