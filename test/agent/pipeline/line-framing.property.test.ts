/**
 * Property tests of the agent's byte handling (demuxer → line framer, wired as the follower wires
 * them): whatever a container writes — multiplexed or TTY, lines of any length Docker cuts into
 * 16 KB pieces, stdout and stderr pieces interleaved, "\r\n" and lone "\r", multibyte characters —
 * and wherever the HTTP chunks cut Docker's bytes, the agent gets the same lines, and they are the
 * lines the container wrote (see support/docker-log-writer.ts for the model of Docker).
 *
 * Seeded: every run prints its seed, and SIDETAIL_PROPERTY_SEED=<seed> replays it exactly
 * (fast-check also prints the counterexample and its path on failure).
 * SIDETAIL_PROPERTY_RUNS sets the number of cases per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDemuxer, type StreamMode } from '../../../agent/docker/frame-demuxer';
import { LineFramer, type FramedLine } from '../../../agent/pipeline/line-framer';
import { MAX_LINE_BYTES, type LogStream } from '../../../protocol';
import { cutAt } from '../support/docker-bytes';
import { DOCKER_PIECE_BYTES, dockerBytes, dockerEntries, expectedLines, type WrittenLine } from '../support/docker-log-writer';

const SEED = Number(process.env.SIDETAIL_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.SIDETAIL_PROPERTY_RUNS ?? 150);
const settings = { seed: SEED, numRuns: RUNS };
console.info(`line framing properties: seed ${SEED}, ${RUNS} runs; replay with SIDETAIL_PROPERTY_SEED=${SEED}`);

/** Docker bytes, cut into chunks, through demuxer → framer; the stream then ends. */
function frameChunks(chunks: readonly Buffer[], mode: StreamMode, maxLineBytes: number): FramedLine[] {
  const lines: FramedLine[] = [];
  // Entries without a timestamp are stamped with `now` when no earlier stamp is known: a fixed clock.
  const framer = new LineFramer({ mode, maxLineBytes, now: () => new Date(0), onLine: (line) => lines.push(line) });
  const demuxer = new FrameDemuxer(mode, { piece: (p) => framer.push(p.stream, p.payload, p.frameEnd) });
  for (const chunk of chunks) demuxer.push(chunk);
  demuxer.end();
  framer.end();
  return lines;
}

/** Cut points anywhere in `length` bytes, sorted: where HTTP chunks would end. */
const cutsIn = (length: number) =>
  fc.array(fc.integer({ min: 0, max: length }), { maxLength: 40 }).map((offsets) => [...offsets].sort((a, b) => a - b));

// Text pieces that stress the framer: multibyte characters (2, 3 and 4 bytes), carriage returns,
// spaces, control bytes, and words that look like timestamp prefixes.
const token = fc.constantFrom(
  'a', 'b', ' ', 'é', '€', '𝄞', '\r', '\t', '\u0000', '\u001b[31m', '李',
  '2024-01-02T03:04:05.000000001Z ', '2024-01-02T03:04:05Z', 'x'.repeat(40), '{"k":"v"}',
);
const shortText = fc.array(token, { maxLength: 24 }).map((t) => t.join(''));
/** A line Docker cuts into pieces: a pattern repeated to a length of up to three pieces and more. */
const longText = fc
  .record({ unit: fc.array(token, { minLength: 1, maxLength: 6 }), bytes: fc.integer({ min: DOCKER_PIECE_BYTES - 64, max: 3 * DOCKER_PIECE_BYTES + 64 }) })
  .map(({ unit, bytes }) => repeatToBytes(unit.join(''), bytes));
/** Within a few bytes of a piece boundary, ending in a character that may straddle it. */
const nearBoundary = fc
  .record({ pieces: fc.integer({ min: 1, max: 2 }), delta: fc.integer({ min: -5, max: 2 }), last: token })
  .map(({ pieces, delta, last }) => 'y'.repeat(pieces * DOCKER_PIECE_BYTES + delta) + last);
const content = fc.oneof({ weight: 12, arbitrary: shortText }, { weight: 1, arbitrary: longText }, { weight: 1, arbitrary: nearBoundary });

function repeatToBytes(unit: string, bytes: number): string {
  const copies = Math.max(1, Math.floor(bytes / Buffer.byteLength(unit)));
  return unit.repeat(copies);
}

/**
 * What containers write: numbered lines (so that a lost or repeated one shows), each ending in
 * "\n" or "\r\n" (a TTY always writes "\r\n"), and possibly a last line per stream left
 * unterminated when the container exited — not one of exactly N × 16 KB, which Docker would keep
 * as "still being written" (see line-framer.ts).
 */
function writtenLines(mode: StreamMode) {
  const streams: LogStream[] = mode === 'raw' ? ['stdout'] : ['stdout', 'stderr'];
  const line = fc.record({
    stream: fc.constantFrom(...streams),
    content,
    ending: mode === 'raw' ? fc.constant('\r\n' as const) : fc.constantFrom('\n' as const, '\r\n' as const),
  });
  return fc
    .record({
      lines: fc.array(line, { maxLength: 30 }),
      unterminated: fc.array(fc.record({ stream: fc.constantFrom(...streams), content: shortText }), { maxLength: streams.length }),
    })
    .map(({ lines, unterminated }) => {
      const numbered: WrittenLine[] = lines.map((l, i) => ({ ...l, content: `${i + 1} ${l.content}` }));
      const lastOf = new Set<LogStream>();
      for (const tail of unterminated) {
        if (lastOf.has(tail.stream)) continue;
        lastOf.add(tail.stream);
        const text = `end ${tail.content}`;
        if (Buffer.byteLength(text) % DOCKER_PIECE_BYTES !== 0) numbered.push({ stream: tail.stream, content: text, ending: '' });
      }
      return numbered;
    });
}

/** Docker's timestamps: its own fixed nine digits mostly, sometimes other RFC 3339 forms (a proxy, an old engine). */
const stampStyle = fc.constantFrom('docker', 'docker', 'docker', 'offset', 'short-fraction');
function stamper(style: string): (i: number) => string {
  return (i) => {
    const seconds = String(i % 60).padStart(2, '0');
    const nanos = String(100_000_000 + i * 7919).slice(-9);
    if (style === 'offset') return `2026-11-25T13:00:${seconds}.${nanos}+01:00`;
    if (style === 'short-fraction') return `2026-11-25T12:00:${seconds}.${nanos.slice(0, 3)}Z`;
    return `2026-11-25T12:00:${seconds}.${nanos}Z`;
  };
}

/** A written log, as Docker's bytes for `mode`, with the lines a reader must get from them. */
function dockerLog(mode: StreamMode) {
  return fc
    .record({
      lines: writtenLines(mode),
      order: fc.array(fc.constantFrom<LogStream>('stdout', 'stderr'), { maxLength: 200 }),
      style: stampStyle,
      maxLineBytes: fc.constantFrom(MAX_LINE_BYTES, MAX_LINE_BYTES, 100_000),
    })
    .map(({ lines, order, style, maxLineBytes }) => {
      const entries = dockerEntries(lines, order, stamper(style));
      return { bytes: dockerBytes(mode, entries), expected: expectedLines(lines, entries, maxLineBytes), maxLineBytes };
    });
}

describe.each<StreamMode>(['multiplexed', 'raw'])('framing Docker\'s %s log bytes into lines (seeded properties)', (mode) => {
  it('gives every line the container wrote, once and in order, with its first piece\'s timestamp, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        dockerLog(mode).chain((log) => fc.record({ log: fc.constant(log), cuts: cutsIn(log.bytes.length) })),
        ({ log, cuts }) => {
          expect(frameChunks(cutAt(log.bytes, ...cuts), mode, log.maxLineBytes)).toEqual(log.expected);
        },
      ),
      settings,
    );
  });

  it('gives the same lines fed one byte at a time as in one chunk', () => {
    fc.assert(
      fc.property(dockerLog(mode), (log) => {
        const bytes = log.bytes.subarray(0, 4096);
        const oneByOne = [...bytes].map((b) => Buffer.from([b]));
        expect(frameChunks(oneByOne, mode, log.maxLineBytes)).toEqual(frameChunks([bytes], mode, log.maxLineBytes));
      }),
      { ...settings, numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('gives the same lines for any bytes at all, however they are cut (no timestamps, no frames: nothing is lost or thrown)', () => {
    // Raw mode reads anything; multiplexed bytes are made valid frames around arbitrary payloads.
    const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }).map((parts) =>
      mode === 'raw' ? Buffer.concat(parts) : Buffer.concat(parts.map((p, i) => frameOf(i % 2 === 0 ? 1 : 2, Buffer.from(p)))),
    );
    fc.assert(
      fc.property(
        payloads.chain((bytes) => fc.record({ bytes: fc.constant(bytes), cuts: cutsIn(bytes.length) })),
        ({ bytes, cuts }) => {
          const whole = frameChunks([bytes], mode, 64);
          expect(frameChunks(cutAt(bytes, ...cuts), mode, 64)).toEqual(whole);
          for (const line of whole) expect(Buffer.byteLength(line.text)).toBeLessThanOrEqual(64);
        },
      ),
      settings,
    );
  });
});

function frameOf(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
