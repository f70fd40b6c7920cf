/**
 * Hostile frames for the fuzz suite: not JSON, random JSON, duplicate keys, deep nesting, and
 * valid messages of every action with one to three fields replaced by hostile values (wrong types,
 * seq 0, negative and above 2^53, ids at and past the length limit, unicode ids, ids with the key
 * separator) or naming other hosts' containers; and hostile packed batches: deflate bombs, data
 * that is not base64 or not deflate-raw, bodies that are not packed lines, seqs that are not the
 * body's, and forged parts. Every frame stays under the 32 KB frame quota unless it is meant to be
 * oversized.
 */
import { deflateRawSync } from 'node:zlib';
import { CLIENT_ACTIONS, MAX_BATCH_BODY_BYTES, MAX_ID_LENGTH, packLines, type LogLine } from '../../protocol';
import { compressLines } from '../../protocol/packed-zlib';
import type { SeededRandom } from './seeded-random';

/** Ids the generators may forge: the fuzzing clients' own and another host's. */
export interface FuzzTargets {
  readonly ownContainerIds: readonly string[];
  readonly foreignAgentId: string;
  readonly foreignContainerId: string;
}

export type FrameKind = 'not-json' | 'random-json' | 'duplicate-keys' | 'deep-nesting' | 'mutated' | 'packed' | 'forged' | 'valid';

export interface HostileFrame {
  readonly kind: FrameKind;
  readonly text: string;
}

const TS = '2026-11-25T12:00:00.000000001Z';
/** Epochs a fuzzing agent may claim: plausible, ancient, and the cloud's own range. */
const EPOCHS = [1, 1_764_000_000_000, Date.now() - 60_000, Date.now()];

const HOSTILE_VALUES: readonly unknown[] = [
  0, -1, 1.5, Number.MAX_SAFE_INTEGER, -0.000001, 2 ** 53, 2 ** 53 + 2, 9e15, 1e308, -1e308,
  '', ' ', 'NaN', 'Infinity', '0', '-1', '1e400',
  'a'.repeat(MAX_ID_LENGTH), 'a'.repeat(MAX_ID_LENGTH + 1), 'x'.repeat(5000),
  'ü'.repeat(20), '容器', '🐳', 'a#b', 'CONN#x', '../../etc', 'a/b', '\u0000', '\ud800', '<script>alert(1)</script>',
  null, true, false, [], {}, [1, 2, 3], { seq: 1 }, { action: 'ping' },
];

const JUNK = [
  '', ' ', '\n', 'null', 'true', '42', '"text"', '[]', '{', '}', '{"action":', '{"action":"log.batch"', '{"a":1}{"b":2}',
  '\u0000\u0001\u0002', '\ufeff{"action":"ping"}', 'action=ping', '{"action":"ping"},', "{'action':'ping'}",
];

const ACTIONS = [...CLIENT_ACTIONS, 'log.stream.start', 'log.ack', 'agent.registered', 'error', 'host', '', 'PING', 'log.batch ', '$connect', '$default', '💥'];

/** A valid message of each client action, as this protocol version defines it. */
export function validTemplate(action: string, random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const containerId = random.pick(targets.ownContainerIds);
  const seq = random.int(1, 10_000);
  switch (action) {
    case 'agent.register':
      return { action, hostName: 'fuzz.internal', agentVersion: 'fuzz', containers: targets.ownContainerIds.map(containerInfo) };
    case 'agent.inventory': {
      const ids = [...targets.ownContainerIds];
      const removed = random.chance(0.3) ? ids.splice(random.int(0, ids.length - 1), 1) : [];
      return { action, observedAt: Date.now() - random.int(0, 60_000), upsert: ids.map(containerInfo), remove: removed };
    }
    case 'log.batch':
      return { action, containerId, epoch: random.pick(EPOCHS), ...compressLines(fuzzLines(random, seq)) };
    case 'log.subscribe':
      return random.chance(0.5)
        ? { action, agentId: 'fuzz-host', containerId }
        : { action, agentId: 'fuzz-host', containerId, afterSeq: random.int(0, 50) };
    case 'log.unsubscribe':
      return { action, agentId: 'fuzz-host', containerId };
    default:
      return { action };
  }
}

function fuzzLines(random: SeededRandom, seq: number): LogLine[] {
  return Array.from({ length: random.int(1, 5) }, (_, i) => ({ seq: seq + i, ts: TS, stream: random.pick(['stdout', 'stderr'] as const), text: `fuzz ${seq + i}` }));
}

/** A deflate bomb: a few KB that inflate past the bound (made once: deflating 2 MB takes a moment). */
let bombData: string | undefined;
function bomb(): string {
  bombData ??= deflateRawSync(Buffer.alloc(MAX_BATCH_BODY_BYTES * 4, '{')).toString('base64');
  return bombData;
}

/** A log.batch of the fuzzer's own container whose packed data or seqs are hostile. */
export function hostilePackedBatch(random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const seq = random.int(1, 10_000);
  const valid = { action: 'log.batch', containerId: random.pick(targets.ownContainerIds), epoch: random.pick(EPOCHS), ...compressLines(fuzzLines(random, seq)) };
  const deflated = (text: string) => deflateRawSync(text).toString('base64');
  switch (random.int(0, 9)) {
    case 0: return { ...valid, data: bomb() };
    case 1: return { ...valid, data: random.pick(['not base64!', '====', 'AAA', 'A'.repeat(5), '\u0000AAA']) };
    case 2: return { ...valid, data: Buffer.from(random.string(random.int(4, 200), 'abc{}"')).toString('base64') };
    case 3: return { ...valid, data: deflated(random.pick(['not json', '[]', '{}', '{"v":2}', JSON.stringify({ v: 1, firstSeq: seq, ts: [], streams: 'o', text: [] })])) };
    // Forged seqs: the message's are not the body's.
    case 4: return { ...valid, firstSeq: (valid.firstSeq as number) + random.int(1, 3), lastSeq: (valid.lastSeq as number) + random.int(1, 3) };
    case 5: return { ...valid, lastSeq: random.pick([valid.firstSeq, (valid.lastSeq as number) + 1, 9_999 + (valid.firstSeq as number)]) };
    // A body claiming more lines than its seqs, or a seq past 2^53.
    case 6: return { ...valid, data: deflated(packLines(Array.from({ length: 12 }, (_, i) => ({ seq: seq + i, ts: TS, stream: 'stdout' as const, text: 'more' })))) };
    case 7: return { ...valid, data: deflated(JSON.stringify({ v: 1, firstSeq: Number.MAX_SAFE_INTEGER, ts: [TS, 1], streams: 'o', text: ['a', 'b'] })) };
    // Forged parts: a last part whose others were never sent, pieces of nothing, indices out of range.
    case 8: return { ...valid, part: { index: random.int(0, 4), count: random.int(2, 5) } };
    default: return { ...valid, part: random.pick([{ index: 1, count: 2 }, { index: 5, count: 5 }, { index: 0, count: 9 }, { index: -1, count: 2 }, { index: 0 }]) };
  }
}

export function containerInfo(id: string) {
  return { id, name: `fuzz-${id.slice(0, 6)}`, image: 'fuzz:latest', state: 'running', status: 'Up', createdAt: 1_764_000_000, tty: false };
}

export function hostileFrame(random: SeededRandom, targets: FuzzTargets): HostileFrame {
  const roll = random.next();
  if (roll < 0.08) return { kind: 'not-json', text: random.chance(0.5) ? random.pick(JUNK) : random.string(random.int(1, 200), 'ab{}[]":,\\ \u00e9\u0000') };
  if (roll < 0.18) return { kind: 'random-json', text: JSON.stringify(randomJson(random, 4)) };
  if (roll < 0.23) return { kind: 'duplicate-keys', text: duplicateKeys(random, targets) };
  if (roll < 0.27) return { kind: 'deep-nesting', text: deepNesting(random) };
  if (roll < 0.62) return { kind: 'mutated', text: JSON.stringify(mutate(validTemplate(random.pick(ACTIONS), random, targets), random)) };
  if (roll < 0.72) return { kind: 'packed', text: JSON.stringify(hostilePackedBatch(random, targets)) };
  if (roll < 0.87) return { kind: 'forged', text: JSON.stringify(forge(random, targets)) };
  return { kind: 'valid', text: JSON.stringify(validTemplate(random.pick(CLIENT_ACTIONS), random, targets)) };
}

function randomJson(random: SeededRandom, depth: number): unknown {
  const roll = random.int(0, depth > 0 ? 7 : 4);
  switch (roll) {
    case 0: return random.pick(HOSTILE_VALUES);
    case 1: return random.int(-1e6, 1e6);
    case 2: return random.string(random.int(0, 40), 'abcdefghij#._-ü容');
    case 3: return random.chance(0.5);
    case 4: return null;
    case 5: return Array.from({ length: random.int(0, 4) }, () => randomJson(random, depth - 1));
    default: {
      const object: Record<string, unknown> = {};
      if (random.chance(0.7)) object.action = random.pick(ACTIONS);
      for (let i = random.int(0, 5); i > 0; i--) object[random.pick(['seq', 'firstSeq', 'lastSeq', 'data', 'part', 'agentId', 'containerId', 'containers', 'ts', 'text', '__proto__', 'constructor', random.string(5, 'xyz')])] = randomJson(random, depth - 1);
      return object;
    }
  }
}

/** JSON.parse keeps the last of duplicate keys; a validator that reads the first would disagree. */
function duplicateKeys(random: SeededRandom, targets: FuzzTargets): string {
  const first = JSON.stringify(validTemplate(random.pick(CLIENT_ACTIONS), random, targets)).slice(1, -1);
  const second = JSON.stringify(forge(random, targets)).slice(1, -1);
  return `{${first},${second}}`;
}

function deepNesting(random: SeededRandom): string {
  const depth = random.int(100, 3000);
  const open = random.chance(0.5) ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  return `{"action":"${random.pick(CLIENT_ACTIONS)}","${random.pick(['data', 'part'])}":${open.repeat(depth)}1${close.repeat(depth)}}`;
}

/** One to three fields replaced, removed or added, at the top level or inside the first nested object (a part, a container). */
function mutate(message: Record<string, unknown>, random: SeededRandom): Record<string, unknown> {
  const copy = structuredClone(message);
  for (let n = random.int(1, 3); n > 0; n--) {
    const nested = Object.values(copy).flat().find((value): value is Record<string, unknown> => typeof value === 'object' && value !== null);
    const target = nested && random.chance(0.4) ? nested : copy;
    const keys = Object.keys(target);
    const key = keys.length > 0 && random.chance(0.8) ? random.pick(keys) : random.string(4, 'abcseq');
    if (random.chance(0.15)) delete target[key];
    // A copy: a hostile object set here may be the nested target of a later mutation.
    else target[key] = structuredClone(random.pick(HOSTILE_VALUES));
  }
  return copy;
}

/** Well-formed messages naming containers the sender has no business with. */
function forge(random: SeededRandom, targets: FuzzTargets): Record<string, unknown> {
  const foreign = { agentId: targets.foreignAgentId, containerId: targets.foreignContainerId };
  switch (random.int(0, 5)) {
    case 0: {
      const forged = compressLines([{ seq: random.pick([1, 2, 9e15]), ts: TS, stream: 'stdout', text: 'forged' }]);
      return { action: 'log.batch', containerId: targets.foreignContainerId, epoch: random.pick(EPOCHS), ...forged, ...(random.chance(0.3) ? { part: { index: 0, count: 2 } } : {}) };
    }
    case 1: return { action: 'agent.register', agentId: targets.foreignAgentId, hostName: 'intruder', agentVersion: 'x', containers: [] };
    case 2: return { action: 'log.subscribe', ...foreign, afterSeq: random.pick([0, 1, 2 ** 40]) };
    case 3: return { action: 'log.unsubscribe', ...foreign };
    case 4: return { action: 'log.subscribe', agentId: targets.foreignAgentId, containerId: targets.foreignContainerId.slice(0, random.int(1, 12)) };
    default: return { action: 'log.subscribe', agentId: random.string(random.int(1, MAX_ID_LENGTH), 'abc123._-'), containerId: random.string(64, '0123456789abcdef') };
  }
}
