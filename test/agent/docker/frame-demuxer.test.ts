import { describe, expect, it } from 'vitest';
import { DockerStreamFormatError, FrameDemuxer, type DemuxedPiece, type StreamMode } from '../../../agent/docker/frame-demuxer';
import { cutAt, muxFrame } from '../support/docker-bytes';

interface Frame {
  stream: string;
  payload: Buffer;
}

/** Runs chunks through a demuxer and reassembles the frames from the pieces it emits. */
function demux(chunks: Buffer[], mode: StreamMode = 'multiplexed') {
  const pieces: DemuxedPiece[] = [];
  const systemErrors: string[] = [];
  const demuxer = new FrameDemuxer(mode, { piece: (p) => pieces.push(p), systemError: (m) => systemErrors.push(m) });
  for (const chunk of chunks) demuxer.push(chunk);
  const clean = demuxer.end();
  const frames: Frame[] = [];
  let parts: Buffer[] = [];
  for (const piece of pieces) {
    parts.push(piece.payload);
    if (piece.frameEnd) {
      frames.push({ stream: piece.stream, payload: Buffer.concat(parts) });
      parts = [];
    }
  }
  return { frames, pieces, systemErrors, clean, unfinished: Buffer.concat(parts) };
}

const sample = [
  muxFrame('stdout', '2024-01-02T03:04:05.000000001Z hello\n'),
  muxFrame('stderr', '2024-01-02T03:04:05.000000002Z oops: ünïcødé € 𝄞\n'),
  muxFrame('stdout', ''),
  muxFrame('stdout', '2024-01-02T03:04:05.000000003Z partial without newline'),
  muxFrame('stderr', 'x'),
];
const sampleBytes = Buffer.concat(sample);
const expectedFrames = [
  { stream: 'stdout', payload: Buffer.from('2024-01-02T03:04:05.000000001Z hello\n') },
  { stream: 'stderr', payload: Buffer.from('2024-01-02T03:04:05.000000002Z oops: ünïcødé € 𝄞\n') },
  { stream: 'stdout', payload: Buffer.alloc(0) },
  { stream: 'stdout', payload: Buffer.from('2024-01-02T03:04:05.000000003Z partial without newline') },
  { stream: 'stderr', payload: Buffer.from('x') },
];

/** Frames as comparable strings: equality on thousands of Buffers is slow. */
function summary(frames: Frame[]): string[] {
  return frames.map((frame) => `${frame.stream}:${frame.payload.toString('hex')}`);
}

describe('FrameDemuxer (multiplexed)', () => {
  it('reads many frames from one chunk', () => {
    const { frames, clean } = demux([sampleBytes]);

    expect(frames).toEqual(expectedFrames);
    expect(clean).toBe(true);
  });

  it('gives the same frames whatever byte the stream is cut at, inside headers included', () => {
    for (let offset = 0; offset <= sampleBytes.length; offset++) {
      const { frames } = demux(cutAt(sampleBytes, offset));
      expect(summary(frames), `cut at byte ${offset}`).toEqual(summary(expectedFrames));
    }
  });

  it('gives the same frames when cut at every pair of offsets', () => {
    const bytes = Buffer.concat(sample.slice(0, 3));
    const expected = summary(expectedFrames.slice(0, 3));
    const mismatches: string[] = [];
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        if (summary(demux(cutAt(bytes, a, b)).frames).join() !== expected.join()) mismatches.push(`${a},${b}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('gives the same frames when fed one byte at a time', () => {
    const chunks = [...sampleBytes].map((byte) => Buffer.from([byte]));

    expect(demux(chunks).frames).toEqual(expectedFrames);
  });

  it('keeps the bytes of a multibyte character split across chunks, for the framer to decode', () => {
    const text = '2024-01-02T03:04:05.000000001Z €𝄞\n';
    const frame = muxFrame('stdout', text);
    const euroAt = 8 + Buffer.byteLength('2024-01-02T03:04:05.000000001Z ') + 1;

    const { frames, pieces } = demux(cutAt(frame, euroAt, euroAt + 3));

    expect(pieces.length).toBeGreaterThan(1);
    expect(frames[0]!.payload.toString('utf8')).toBe(text);
  });

  it('emits a zero-length frame as one empty, frame-ending piece', () => {
    const { pieces } = demux([muxFrame('stderr', '')]);

    expect(pieces).toEqual([{ stream: 'stderr', payload: Buffer.alloc(0), frameEnd: true }]);
  });

  it.each([
    ['stdin', 'stdout'],
    ['stdout', 'stdout'],
    ['stderr', 'stderr'],
  ] as const)('reports stream type %s as %s', (type, stream) => {
    expect(demux([muxFrame(type, 'x')]).frames).toEqual([{ stream, payload: Buffer.from('x') }]);
  });

  it('passes a frame of Docker\'s own error (type 3) to systemError, not as a line', () => {
    const { frames, systemErrors } = demux([muxFrame('system', 'error from daemon in stream: log file gone\n'), muxFrame('stdout', 'after')]);

    expect(systemErrors).toEqual(['error from daemon in stream: log file gone']);
    expect(frames).toEqual([{ stream: 'stdout', payload: Buffer.from('after') }]);
  });

  it('refuses a header with an unknown stream type with a named error', () => {
    const demuxer = new FrameDemuxer('multiplexed', { piece: () => {} });

    expect(() => demuxer.push(Buffer.from('2024-01-02T03:04:05Z tty output'))).toThrow(DockerStreamFormatError);
  });

  it.each([
    ['whole', [Buffer.from('2024-01-02T03:04:05Z tty output')]],
    ['split across chunks', [Buffer.from('2024-'), Buffer.from('01-02T03:04:05Z tty output')]],
  ])('names the offending header bytes when the header arrives %s', (_case, chunks) => {
    const demuxer = new FrameDemuxer('multiplexed', { piece: () => {} });

    expect(() => chunks.forEach((chunk) => demuxer.push(chunk))).toThrow(
      `unknown Docker stream type 50 in frame header ${Buffer.from('2024-01-').toString('hex')}`,
    );
  });

  it('ends a frame cut short by the end of the stream, and says the end was not clean', () => {
    const frame = muxFrame('stdout', 'abcdef');

    const { frames, clean } = demux([frame.subarray(0, 11)]);

    expect(frames).toEqual([{ stream: 'stdout', payload: Buffer.from('abc') }]);
    expect(clean).toBe(false);
  });
});

describe('FrameDemuxer (raw, TTY)', () => {
  it('passes bytes through unchanged as stdout, never ending a frame', () => {
    const bytes = Buffer.from('2024-01-02T03:04:05.000000001Z hi\r\n');

    const { pieces, clean } = demux(cutAt(bytes, 5), 'raw');

    expect(pieces.every((p) => p.stream === 'stdout' && !p.frameEnd)).toBe(true);
    expect(Buffer.concat(pieces.map((p) => p.payload))).toEqual(bytes);
    expect(clean).toBe(true);
  });
});
