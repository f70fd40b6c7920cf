/**
 * Property tests of the demultiplexer: any sequence of Docker frames (stdout, stderr, stdin, the
 * daemon's own errors; empty, small and larger than a socket read), cut at any points — inside
 * headers included — gives the same frames, byte for byte, on the same streams.
 *
 * Seeded: every run prints its seed, and SIDETAIL_PROPERTY_SEED=<seed> replays it exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDemuxer, type StreamMode } from '../../../agent/docker/frame-demuxer';
import { cutAt, muxFrame } from '../support/docker-bytes';

const SEED = Number(process.env.SIDETAIL_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.SIDETAIL_PROPERTY_RUNS ?? 200);
const settings = { seed: SEED, numRuns: RUNS };
console.info(`frame demuxer properties: seed ${SEED}, ${RUNS} runs; replay with SIDETAIL_PROPERTY_SEED=${SEED}`);

interface Demuxed {
  /** `stream:hex` per completed frame: cheap to compare for thousands of bytes. */
  readonly frames: string[];
  readonly systemErrors: string[];
  readonly clean: boolean;
}

function demux(chunks: readonly Buffer[], mode: StreamMode = 'multiplexed'): Demuxed {
  const frames: string[] = [];
  const systemErrors: string[] = [];
  let parts: Buffer[] = [];
  const demuxer = new FrameDemuxer(mode, {
    piece: (piece) => {
      parts.push(piece.payload);
      if (!piece.frameEnd) return;
      frames.push(`${piece.stream}:${Buffer.concat(parts).toString('hex')}`);
      parts = [];
    },
    systemError: (message) => systemErrors.push(message),
  });
  for (const chunk of chunks) demuxer.push(chunk);
  const clean = demuxer.end();
  if (mode === 'raw') frames.push(`stdout:${Buffer.concat(parts).toString('hex')}`);
  return { frames, systemErrors, clean };
}

const payload = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 60_000, maxLength: 70_000 }) },
);
const frame = fc.record({ type: fc.constantFrom(0, 1, 1, 1, 2, 2, 3), payload: payload.map((p) => Buffer.from(p)) });
const frames = fc.array(frame, { maxLength: 25 });
const withCuts = <T extends { bytes: Buffer }>(arb: fc.Arbitrary<T>) =>
  arb.chain((value) =>
    fc.record({ value: fc.constant(value), cuts: fc.array(fc.integer({ min: 0, max: value.bytes.length }), { maxLength: 40 }) }),
  );

/** What the frames say, read independently of the demuxer: type 0 and 1 are the container's stdout, 3 the daemon's errors. */
function expected(list: { type: number; payload: Buffer }[]): Demuxed {
  const data = list.filter((f) => f.type !== 3);
  return {
    frames: data.map((f) => `${f.type === 2 ? 'stderr' : 'stdout'}:${f.payload.toString('hex')}`),
    systemErrors: list.filter((f) => f.type === 3).map((f) => f.payload.subarray(0, 4096).toString('utf8').trim()),
    clean: true,
  };
}

describe('demultiplexing Docker\'s log stream (seeded properties)', () => {
  it('gives the same frames on the same streams, byte for byte, however the stream is cut', () => {
    fc.assert(
      fc.property(
        withCuts(frames.map((list) => ({ list, bytes: Buffer.concat(list.map((f) => muxFrame(f.type, f.payload))) }))),
        ({ value, cuts }) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          expect(demux(cutAt(value.bytes, ...sorted))).toEqual(expected(value.list));
        },
      ),
      settings,
    );
  });

  it('ends a stream cut off anywhere with the frames that arrived, the last one as far as it got', () => {
    fc.assert(
      fc.property(
        withCuts(frames.map((list) => ({ list, bytes: Buffer.concat(list.map((f) => muxFrame(f.type, f.payload))) }))),
        ({ value, cuts }) => {
          const [end = value.bytes.length, ...rest] = [...cuts].reverse();
          const whole = demux([value.bytes.subarray(0, end)]);
          expect(demux(cutAt(value.bytes.subarray(0, end), ...rest.filter((c) => c <= end).sort((a, b) => a - b)))).toEqual(whole);
        },
      ),
      settings,
    );
  });

  it('passes a TTY\'s raw bytes through unchanged as stdout, however they are cut', () => {
    fc.assert(
      fc.property(
        withCuts(fc.uint8Array({ maxLength: 2000 }).map((b) => ({ bytes: Buffer.from(b) }))),
        ({ value, cuts }) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          expect(demux(cutAt(value.bytes, ...sorted), 'raw')).toEqual({ frames: [`stdout:${value.bytes.toString('hex')}`], systemErrors: [], clean: true });
        },
      ),
      settings,
    );
  });
});
