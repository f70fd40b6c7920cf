/**
 * HTTP/1.1 chunked transfer coding, decoded incrementally: `<hex size>[;ext]\r\n<data>\r\n` …
 * `0\r\n[trailers]\r\n`. Docker flushes its log stream after every frame, so a busy container's
 * follow is a chunk per log line; decoding them here, a socket read at a time, costs a fraction of
 * what a JavaScript callback per chunk costs (see docker-log-request.ts). Socket reads cut the
 * coding anywhere — inside a size line, a CRLF or the data — so the decoder keeps its state.
 */

/** The body is not valid chunked coding; the connection cannot be resynchronised. */
export class ChunkedCodingError extends Error {
  override readonly name = 'ChunkedCodingError';
}

type Phase = 'size' | 'extension' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'trailer-lf' | 'done';

const NO_BYTES = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;
/** 0x7fffffff bytes per chunk is far above anything Docker sends; more is a broken stream. */
const MAX_SIZE_DIGITS = 8;

export class ChunkedDecoder {
  private phase: Phase = 'size';
  private size = 0;
  private sizeDigits = 0;
  private remaining = 0;
  /** Bytes of the current trailer line (an empty line ends the body). */
  private trailerBytes = 0;

  /** True once the last chunk and its trailers have been read. */
  get done(): boolean {
    return this.phase === 'done';
  }

  /**
   * Decodes `input`; returns the data bytes in it (empty when there are none). Bytes after the end
   * are ignored. Data in one piece is returned as a subarray of `input`; data from several chunks
   * is copied into one new Buffer (a socket read holds hundreds of Docker's small chunks).
   */
  push(input: Buffer): Buffer {
    let out: Buffer | undefined;
    let first: Buffer | undefined;
    let length = 0;
    let i = 0;
    while (i < input.length && this.phase !== 'done') {
      if (this.phase === 'data') {
        const take = Math.min(this.remaining, input.length - i);
        if (first === undefined) {
          first = input.subarray(i, i + take);
        } else {
          if (out === undefined) {
            // Never more data than input: one allocation per read.
            out = Buffer.allocUnsafe(input.length);
            first.copy(out, 0);
          }
          input.copy(out, length, i, i + take);
        }
        length += take;
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.phase = 'data-cr';
        continue;
      }
      this.step(input[i]!);
      i += 1;
    }
    if (out !== undefined) return out.subarray(0, length);
    return first ?? NO_BYTES;
  }

  private step(byte: number): void {
    switch (this.phase) {
      case 'size': {
        const digit = hexValue(byte);
        if (digit >= 0) {
          if (++this.sizeDigits > MAX_SIZE_DIGITS) throw new ChunkedCodingError('chunk size too large');
          this.size = this.size * 16 + digit;
          return;
        }
        if (this.sizeDigits === 0) throw new ChunkedCodingError(`expected a chunk size, got byte 0x${byte.toString(16)}`);
        if (byte === CR) this.phase = 'size-lf';
        else if (byte === LF) this.endSizeLine();
        else if (byte === 0x3b /* ; */ || byte === 0x20 || byte === 0x09) this.phase = 'extension';
        else throw new ChunkedCodingError(`unexpected byte 0x${byte.toString(16)} in a chunk size`);
        return;
      }
      case 'extension':
        if (byte === CR) this.phase = 'size-lf';
        else if (byte === LF) this.endSizeLine();
        return;
      case 'size-lf':
        if (byte !== LF) throw new ChunkedCodingError('expected LF after a chunk size');
        this.endSizeLine();
        return;
      case 'data-cr':
        if (byte === CR) this.phase = 'data-lf';
        else if (byte === LF) this.phase = 'size';
        else throw new ChunkedCodingError('expected CRLF after chunk data');
        return;
      case 'data-lf':
        if (byte !== LF) throw new ChunkedCodingError('expected LF after chunk data');
        this.phase = 'size';
        return;
      case 'trailer':
        if (byte === CR) this.phase = 'trailer-lf';
        else if (byte === LF) this.endTrailerLine();
        else this.trailerBytes += 1;
        return;
      case 'trailer-lf':
        if (byte !== LF) throw new ChunkedCodingError('expected LF in the trailers');
        this.endTrailerLine();
        return;
      default:
        return;
    }
  }

  private endSizeLine(): void {
    const size = this.size;
    this.size = 0;
    this.sizeDigits = 0;
    if (size === 0) {
      this.phase = 'trailer';
      this.trailerBytes = 0;
      return;
    }
    this.remaining = size;
    this.phase = 'data';
  }

  private endTrailerLine(): void {
    if (this.trailerBytes === 0) {
      this.phase = 'done';
      return;
    }
    this.trailerBytes = 0;
    this.phase = 'trailer';
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}
