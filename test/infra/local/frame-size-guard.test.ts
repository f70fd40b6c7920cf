import { describe, expect, it } from 'vitest';
import { FrameSizeGuard } from '../../../infra/local/frame-size-guard';
import { clientFrame } from './client-frames';

const limits = { maxFrameBytes: 32 * 1024, maxMessageBytes: 128 * 1024 };
const bytes = (n: number) => Buffer.alloc(n, 0x61);

describe('FrameSizeGuard', () => {
  it.each([
    ['a 125-byte frame (7-bit length)', 125],
    ['a 126-byte frame (16-bit length)', 126],
    ['a frame of exactly the quota', 32 * 1024],
  ])('accepts %s', (_case, size) => {
    expect(new FrameSizeGuard(limits).push(clientFrame(bytes(size)))).toBeUndefined();
  });

  it.each([
    ['one byte over the frame quota', 32 * 1024 + 1],
    ['a frame with a 64-bit length', 70_000],
  ])('reports a frame %s', (_case, size) => {
    expect(new FrameSizeGuard(limits).push(clientFrame(bytes(size)))).toMatchObject({ kind: 'frame', bytes: size, limit: 32 * 1024 });
  });

  it('reports the oversize frame from its header alone, before its payload arrives', () => {
    const frame = clientFrame(bytes(40 * 1024));

    expect(new FrameSizeGuard(limits).push(frame.subarray(0, 8))).toMatchObject({ kind: 'frame', bytes: 40 * 1024 });
  });

  it('reads a header split across chunks one byte at a time', () => {
    const guard = new FrameSizeGuard(limits);
    const frame = clientFrame(bytes(40 * 1024));

    const results = [...frame.subarray(0, 8)].map((byte) => guard.push(Buffer.from([byte])));

    expect(results.slice(0, 7)).toEqual(Array(7).fill(undefined));
    expect(results[7]).toMatchObject({ kind: 'frame' });
  });

  it('adds up the frames of a fragmented message and reports the one that passes the message quota', () => {
    const guard = new FrameSizeGuard(limits);
    const frames = [
      clientFrame(bytes(32 * 1024), { opcode: 0x1, fin: false }),
      ...[1, 2, 3].map(() => clientFrame(bytes(32 * 1024), { opcode: 0x0, fin: false })),
      clientFrame(bytes(1), { opcode: 0x0, fin: true }),
    ];

    const results = frames.map((frame) => guard.push(frame));

    expect(results.slice(0, 4)).toEqual(Array(4).fill(undefined));
    expect(results[4]).toMatchObject({ kind: 'message', bytes: 128 * 1024 + 1, limit: 128 * 1024 });
  });

  it('starts counting again after the final frame of a message', () => {
    const guard = new FrameSizeGuard(limits);
    const message = () => [
      clientFrame(bytes(32 * 1024), { opcode: 0x1, fin: false }),
      clientFrame(bytes(32 * 1024), { opcode: 0x0, fin: false }),
      clientFrame(bytes(32 * 1024), { opcode: 0x0, fin: true }),
    ];

    expect([...message(), ...message()].map((frame) => guard.push(frame))).toEqual(Array(6).fill(undefined));
  });

  it('does not count control frames (ping) between fragments', () => {
    const guard = new FrameSizeGuard(limits);
    const frames = [
      clientFrame(bytes(32 * 1024), { opcode: 0x1, fin: false }),
      clientFrame(bytes(100), { opcode: 0x9, fin: true }),
      clientFrame(bytes(32 * 1024), { opcode: 0x0, fin: true }),
    ];

    expect(guard.push(Buffer.concat(frames))).toBeUndefined();
  });

  it('counts the whole messages the chunk completed before the offending frame', () => {
    const chunk = Buffer.concat([clientFrame(bytes(10)), clientFrame(bytes(0)), clientFrame(bytes(40 * 1024))]);

    expect(new FrameSizeGuard(limits).push(chunk)).toMatchObject({ kind: 'frame', messagesBefore: 2 });
  });

  it('reports only the first violation', () => {
    const guard = new FrameSizeGuard(limits);

    guard.push(clientFrame(bytes(40 * 1024)));

    expect(guard.push(clientFrame(bytes(40 * 1024)))).toBeUndefined();
  });
});
