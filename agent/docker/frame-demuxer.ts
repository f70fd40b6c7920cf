/**
 * Docker's log stream for a non-TTY container is multiplexed: every write is one frame,
 *   [stream type, 0, 0, 0, payload length as big-endian uint32] + payload
 * with stream type 0 stdin, 1 stdout, 2 stderr, 3 "system error" (the daemon reporting a failure
 * mid-stream). HTTP chunks cut frames anywhere — inside the header too — so the demuxer keeps
 * its position between chunks. A TTY container's stream has no headers at all ("raw" mode).
 *
 * Output is bytes, not text: a UTF-8 character may be split across frames, and the line framer
 * must strip the next frame's timestamp prefix before the halves can be joined and decoded.
 */
import type { LogStream } from '../../protocol';

export type StreamMode = 'multiplexed' | 'raw';

/** A piece of one frame's payload. `frameEnd` marks the piece that completes its frame. */
export interface DemuxedPiece {
  readonly stream: LogStream;
  readonly payload: Buffer;
  readonly frameEnd: boolean;
}

export interface FrameDemuxerHandlers {
  piece(piece: DemuxedPiece): void;
  /** A complete stream-type-3 frame: Docker's own error text, not a container line. */
  systemError?(message: string): void;
}

/** The stream is not in Docker's multiplexed format (unknown stream type); it cannot be resynchronised. */
export class DockerStreamFormatError extends Error {
  override readonly name = 'DockerStreamFormatError';
}

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;
const SYSTEM_ERROR = 3;
/** Docker's error texts are short; anything longer is cut so a broken stream cannot grow memory. */
const MAX_SYSTEM_ERROR_BYTES = 4096;

export class FrameDemuxer {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private streamType = STDOUT;
  private remaining = 0;
  private inPayload = false;
  private systemErrorParts: Buffer[] = [];
  private systemErrorBytes = 0;

  constructor(
    readonly mode: StreamMode,
    private readonly handlers: FrameDemuxerHandlers,
  ) {}

  push(chunk: Buffer): void {
    if (this.mode === 'raw') {
      // A TTY merges stdout and stderr into one stream, reported as stdout.
      if (chunk.length > 0) this.handlers.piece({ stream: 'stdout', payload: chunk, frameEnd: false });
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.inPayload) {
        if (this.headerFill === 0 && chunk.length - offset >= HEADER_BYTES) {
          // The whole header is in this chunk (the usual case): read it in place.
          this.startFrame(chunk, offset);
          offset += HEADER_BYTES;
          continue;
        }
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill === HEADER_BYTES) {
          this.headerFill = 0;
          this.startFrame(this.header, 0);
        }
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.remaining -= take;
      this.emit(chunk.subarray(offset, offset + take), this.remaining === 0);
      offset += take;
      if (this.remaining === 0) this.inPayload = false;
    }
  }

  /**
   * The stream is over. A frame cut short by the end (container killed mid-write, connection
   * lost) still ends here, so the framer can flush what arrived of it.
   * Returns true when the stream ended on a frame boundary.
   */
  end(): boolean {
    const clean = !this.inPayload && this.headerFill === 0;
    if (this.inPayload) {
      this.remaining = 0;
      this.inPayload = false;
      this.emit(Buffer.alloc(0), true);
    }
    this.headerFill = 0;
    return clean;
  }

  /** Starts the frame whose 8-byte header is at `bytes[at]`. */
  private startFrame(bytes: Buffer, at: number): void {
    const type = bytes[at]!;
    if (type > SYSTEM_ERROR) {
      throw new DockerStreamFormatError(
        `unknown Docker stream type ${type} in frame header ${bytes.toString('hex', at, at + HEADER_BYTES)}; is the container a TTY?`,
      );
    }
    this.streamType = type;
    this.remaining = bytes.readUInt32BE(at + 4);
    if (this.remaining === 0) {
      this.emit(Buffer.alloc(0), true);
      return;
    }
    this.inPayload = true;
  }

  private emit(payload: Buffer, frameEnd: boolean): void {
    if (this.streamType === SYSTEM_ERROR) {
      this.collectSystemError(payload, frameEnd);
      return;
    }
    // stdin frames (type 0) do not occur in logs; should one appear it is the container's output all the same.
    const stream: LogStream = this.streamType === STDERR ? 'stderr' : 'stdout';
    this.handlers.piece({ stream, payload, frameEnd });
  }

  private collectSystemError(payload: Buffer, frameEnd: boolean): void {
    const room = MAX_SYSTEM_ERROR_BYTES - this.systemErrorBytes;
    if (room > 0 && payload.length > 0) {
      const kept = payload.subarray(0, room);
      this.systemErrorParts.push(Buffer.from(kept));
      this.systemErrorBytes += kept.length;
    }
    if (!frameEnd) return;
    const message = Buffer.concat(this.systemErrorParts).toString('utf8').trim();
    this.systemErrorParts = [];
    this.systemErrorBytes = 0;
    this.handlers.systemError?.(message);
  }
}
