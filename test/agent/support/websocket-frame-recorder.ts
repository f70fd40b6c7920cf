/**
 * Reads the raw WebSocket frames a client sends (RFC 6455 §5.2), by listening to the server's TCP
 * socket alongside `ws`. Lets tests check frame sizes and fragmentation, which `ws` hides.
 */
export interface RecordedFrame {
  readonly fin: boolean;
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  readonly opcode: number;
  /** Unmasked. */
  readonly payload: Buffer;
  /** Header plus payload, as on the wire. */
  readonly wireBytes: number;
}

export class WebSocketFrameRecorder {
  readonly frames: RecordedFrame[] = [];
  private pending = Buffer.alloc(0);

  /** Copies `chunk` before returning: the caller may change it afterwards. */
  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const frame = this.parse();
      if (!frame) return;
      this.frames.push(frame);
    }
  }

  /** Frames of data messages (text, binary and their continuations). */
  get dataFrames(): RecordedFrame[] {
    return this.frames.filter((frame) => frame.opcode <= 2);
  }

  private parse(): RecordedFrame | undefined {
    const bytes = this.pending;
    if (bytes.length < 2) return undefined;
    const fin = (bytes[0]! & 0x80) !== 0;
    const opcode = bytes[0]! & 0x0f;
    const masked = (bytes[1]! & 0x80) !== 0;
    let length = bytes[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      length = Number(bytes.readBigUInt64BE(2));
      offset = 10;
    }
    const maskOffset = offset;
    if (masked) offset += 4;
    if (bytes.length < offset + length) return undefined;
    const payload = Buffer.from(bytes.subarray(offset, offset + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= bytes[maskOffset + (i % 4)]!;
    this.pending = bytes.subarray(offset + length);
    return { fin, opcode, payload, wireBytes: offset + length };
  }
}
