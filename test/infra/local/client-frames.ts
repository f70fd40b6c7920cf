/** WebSocket client frames built by hand, for tests that need exact control of the wire. */
import { randomBytes } from 'node:crypto';

/** A client frame, masked as RFC 6455 requires, built by hand. */
export function clientFrame(payload: Buffer, { opcode = 0x1, fin = true } = {}): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length])
      : length < 65536
        ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 127]), bigEndian64(length)]);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

function bigEndian64(n: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
  buf.writeUInt32BE(n >>> 0, 4);
  return buf;
}
