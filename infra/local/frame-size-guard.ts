/**
 * API Gateway's two size quotas, checked on the raw bytes of the wire: a frame may carry at most
 * 32 KB and a message (all of its frames together) at most 128 KB; either one above closes the
 * connection with 1009. The `ws` library only knows a per-message limit, so this guard reads the
 * frame headers itself from the socket's data, independently of `ws` internals.
 *
 * Extensions are never negotiated by the gateway (no permessage-deflate), so the payload length in
 * a frame header is the frame's size on the wire minus its header.
 */

export interface SizeLimits {
  readonly maxFrameBytes: number;
  readonly maxMessageBytes: number;
}

export interface LimitViolation {
  readonly kind: 'frame' | 'message';
  /** The frame's payload, or the message so far including this frame. */
  readonly bytes: number;
  readonly limit: number;
  /**
   * Messages that were completed by this same chunk before the offending frame began: they are
   * within the quotas and still get delivered.
   */
  readonly messagesBefore: number;
}

const OPCODE_CONTINUATION = 0x0;
const FIRST_CONTROL_OPCODE = 0x8;
const MAX_HEADER_BYTES = 14;

export class FrameSizeGuard {
  private readonly header = Buffer.alloc(MAX_HEADER_BYTES);
  private headerBytes = 0;
  private payloadRemaining = 0;
  private messageBytes = 0;
  /** The frame whose payload is being skipped ends a data message. */
  private payloadEndsMessage = false;
  private violated = false;

  constructor(private readonly limits: SizeLimits) {}

  /**
   * Feeds the next bytes read from the client. Returns the first violation, once; after it the
   * connection is being closed and nothing more is checked.
   */
  push(chunk: Buffer): LimitViolation | undefined {
    let offset = 0;
    let messagesCompleted = 0;
    while (offset < chunk.length && !this.violated) {
      if (this.payloadRemaining > 0) {
        const skipped = Math.min(this.payloadRemaining, chunk.length - offset);
        this.payloadRemaining -= skipped;
        offset += skipped;
        if (this.payloadRemaining === 0 && this.payloadEndsMessage) messagesCompleted++;
        continue;
      }
      // Headers are at most 14 bytes and may straddle chunks: collect them a byte at a time.
      this.header[this.headerBytes++] = chunk[offset++]!;
      const length = headerLength(this.header, this.headerBytes);
      if (length === undefined || this.headerBytes < length) continue;

      this.headerBytes = 0;
      const frame = readHeader(this.header);
      this.payloadRemaining = frame.payloadLength;
      this.payloadEndsMessage = frame.fin && frame.opcode < FIRST_CONTROL_OPCODE;
      const violation = this.check(frame);
      if (violation) {
        this.violated = true;
        return { ...violation, messagesBefore: messagesCompleted };
      }
      if (this.payloadRemaining === 0 && this.payloadEndsMessage) messagesCompleted++;
    }
    return undefined;
  }

  private check(frame: FrameHeader): Omit<LimitViolation, 'messagesBefore'> | undefined {
    if (frame.opcode >= FIRST_CONTROL_OPCODE) return undefined; // ping/pong/close: ≤125 bytes by RFC 6455
    this.messageBytes = frame.opcode === OPCODE_CONTINUATION ? this.messageBytes + frame.payloadLength : frame.payloadLength;
    if (frame.payloadLength > this.limits.maxFrameBytes) {
      return { kind: 'frame', bytes: frame.payloadLength, limit: this.limits.maxFrameBytes };
    }
    if (this.messageBytes > this.limits.maxMessageBytes) {
      return { kind: 'message', bytes: this.messageBytes, limit: this.limits.maxMessageBytes };
    }
    if (frame.fin) this.messageBytes = 0;
    return undefined;
  }
}

interface FrameHeader {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payloadLength: number;
}

/** The full header length once its first two bytes are known. */
function headerLength(header: Buffer, available: number): number | undefined {
  if (available < 2) return undefined;
  const length7 = header[1]! & 0x7f;
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  const mask = header[1]! & 0x80 ? 4 : 0;
  return 2 + extended + mask;
}

function readHeader(header: Buffer): FrameHeader {
  const length7 = header[1]! & 0x7f;
  const payloadLength =
    length7 === 126
      ? header.readUInt16BE(2)
      : length7 === 127
        ? // Beyond 2^53 this loses precision, but it is far above any limit either way.
          header.readUInt32BE(2) * 2 ** 32 + header.readUInt32BE(6)
        : length7;
  return { fin: (header[0]! & 0x80) !== 0, opcode: header[0]! & 0x0f, payloadLength };
}
