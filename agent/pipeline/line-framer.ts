/**
 * Turns Docker log entries (demultiplexed bytes, `timestamps=1`) into log lines.
 *
 * Each entry Docker writes is `<RFC3339Nano timestamp> <text>` and ends with "\n" unless it is a
 * *partial*: Docker's log copier cuts lines longer than its 16 KB buffer into pieces, and every
 * piece carries its own timestamp. The pieces are joined into one line that keeps the FIRST
 * piece's timestamp (that is what Docker's `since` matches on resume); later prefixes are dropped.
 *
 * Where an entry ends:
 *  - multiplexed (non-TTY): one frame is one entry, so a frame whose text does not end in "\n" is
 *    a partial and the next frame of the SAME stream continues it (stdout and stderr pieces may
 *    interleave, so state is kept per stream). Docker writes the last piece of a split line with its
 *    "\n", so an unterminated entry without continuation is rare (a stream cut off mid-line);
 *    `end()` flushes it.
 *  - raw (TTY): the stream carries no entry boundaries, so an entry ends at "\n" (or the end of the
 *    stream), and the next entry's timestamp is expected right after it. Docker's copier writes a
 *    partial only when its 16 KB buffer is full without a "\n" (DOCKER_PIECE_BYTES), so after
 *    exactly that many bytes of an entry a continuation prefix is expected too (and dropped if it
 *    is a timestamp). This matters at the edge: a TTY writes "\r\n", so a 16,383-character line
 *    leaves its "\n" — a 16,384-character one its "\r\n" — for a second piece, whose prefix must
 *    not be read as text (it would push the line over the cap and keep the "\r").
 *
 * A line whose last piece filled Docker's buffer is unfinished: Docker writes more. If the stream
 * ends there (cut, or the follow stopped), `end()` drops it instead of delivering the pieces so
 * far: Docker still holds the whole line and sends it again when the follow resumes (from a `since`
 * at or before its first piece, as only delivered lines move the resume point), so a delivered
 * fragment would sit beside the whole line. A shorter last piece is what Docker writes for a line
 * left unterminated when the container exits; that one is flushed. (A container that exits right
 * after exactly 16 KB without a newline is the one case this reads wrongly: Docker sends that
 * piece again on the next follow, where it joins the next line.)
 *
 * Text is decoded as UTF-8 only once the whole line's bytes are together, so a character split
 * across chunks, frames or partial pieces comes out whole (a StringDecoder per stream would see
 * the next piece's timestamp in the middle of the character). A line ending "\r\n" (TTY) loses
 * the "\r". Text above the cap (`maxLineBytes`, MAX_LINE_BYTES by default) is cut on a character
 * boundary and flagged `truncated`, with the whole line's size (`originalBytes`); at most a few
 * bytes past the cap are kept in memory, however long the line runs.
 */
import { MAX_LINE_BYTES, isTimestamp, type LogStream } from '../../protocol';
import type { StreamMode } from '../docker/frame-demuxer';
import { truncateUtf8 } from './utf8-truncate';

export interface FramedLine {
  readonly ts: string;
  readonly stream: LogStream;
  readonly text: string;
  readonly truncated?: true;
  /** With `truncated`: the whole line's size (its bytes as Docker gave them, the line ending left out). */
  readonly originalBytes?: number;
}

export interface LineFramerOptions {
  readonly mode: StreamMode;
  readonly onLine: (line: FramedLine) => void;
  readonly maxLineBytes?: number;
  /** Stamps an entry that arrives without a timestamp prefix when no earlier one is known. */
  readonly now?: () => Date;
}

/** "2024-01-02T03:04:05.123456789+01:00" is 35 bytes; anything longer before a space is text. */
const MAX_PREFIX_BYTES = 40;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Docker's copier buffer (daemon/logger/copier.go): a piece that fills it is continued by another. */
const DOCKER_PIECE_BYTES = 16 * 1024;
/** Bytes kept beyond the cap: enough to finish a 4-byte character that straddles it. */
const CAP_SLACK = 4;
const NO_BYTES = Buffer.alloc(0);

interface PendingLine {
  readonly ts: string;
  readonly parts: Buffer[];
  kept: number;
  total: number;
  endsWithCarriageReturn: boolean;
}

interface StreamState {
  phase: 'prefix' | 'text';
  /** Prefix bytes carried over from an earlier piece (rare: a piece that ends inside a timestamp). */
  prefix: Buffer;
  entryTs: string | undefined;
  line: PendingLine | undefined;
  /** Text bytes read since the last prefix (lines within one piece are not counted). */
  pieceBytes: number;
}

export class LineFramer {
  private readonly maxLineBytes: number;
  private readonly states = new Map<LogStream, StreamState>();
  private lastTs: string | undefined;

  constructor(private readonly options: LineFramerOptions) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /** Feeds a piece of entry bytes. In multiplexed mode `frameEnd` marks the end of an entry. */
  push(stream: LogStream, payload: Buffer, frameEnd: boolean): void {
    const state = this.stateOf(stream);
    let offset = 0;
    while (offset < payload.length) {
      offset = state.phase === 'prefix' ? this.readPrefix(state, payload, offset) : this.readText(state, stream, payload, offset);
    }
    if (frameEnd && this.options.mode === 'multiplexed') {
      // An entry shorter than a timestamp: keep what there is as text.
      if (state.phase === 'prefix' && state.prefix.length > 0) this.prefixAsText(state, state.prefix);
      // A pending line now is a partial; the next frame of this stream starts with a fresh prefix.
      state.phase = 'prefix';
    }
  }

  /** Bytes held for lines not yet complete (a line being joined, a prefix cut by a chunk). */
  get pendingBytes(): number {
    let bytes = 0;
    for (const state of this.states.values()) bytes += state.prefix.length + (state.line?.kept ?? 0);
    return bytes;
  }

  /** The stream ended: flush every unterminated line. */
  end(): void {
    for (const [stream, state] of this.states) {
      // Docker was still writing this line: it sends the whole line again on resume.
      if (state.line && state.pieceBytes === DOCKER_PIECE_BYTES) continue;
      if (state.phase === 'prefix' && state.prefix.length > 0) this.prefixAsText(state, state.prefix);
      if (state.line) this.emit(state, stream, false);
    }
    this.states.clear();
  }

  private readPrefix(state: StreamState, payload: Buffer, start: number): number {
    const carried = state.prefix;
    // The index at which the prefix would exceed MAX_PREFIX_BYTES: that byte is text.
    const full = start + MAX_PREFIX_BYTES - carried.length;
    for (let i = start; i < payload.length; i++) {
      const byte = payload[i]!;
      if (byte === SPACE) {
        state.pieceBytes = 0;
        // Latin-1 maps each byte to one character: a timestamp is ASCII, and any other prefix goes back as its own bytes.
        const candidate =
          carried.length === 0 ? payload.toString('latin1', start, i) : Buffer.concat([carried, payload.subarray(start, i)]).toString('latin1');
        state.prefix = NO_BYTES;
        if (DOCKER_TIMESTAMP.test(candidate) || isTimestamp(candidate)) {
          state.entryTs = candidate;
          this.lastTs = candidate;
          state.phase = 'text';
        } else {
          this.prefixAsText(state, this.prefixBytes(carried, payload, start, i + 1));
        }
        return i + 1;
      }
      if (byte === NEWLINE || i >= full) {
        // No timestamp here; the bytes so far are text and this byte is read as text too.
        state.pieceBytes = 0;
        this.prefixAsText(state, this.prefixBytes(carried, payload, start, i));
        return i;
      }
    }
    // The piece ends inside the prefix: keep a copy, the piece's buffer may be reused.
    state.prefix = Buffer.concat([carried, payload.subarray(start)]);
    return payload.length;
  }

  /** The carried prefix bytes followed by payload[start, end). */
  private prefixBytes(carried: Buffer, payload: Buffer, start: number, end: number): Buffer {
    return carried.length === 0 ? payload.subarray(start, end) : Buffer.concat([carried, payload.subarray(start, end)]);
  }

  private readText(state: StreamState, stream: LogStream, payload: Buffer, start: number): number {
    const newline = payload.indexOf(NEWLINE, start);
    if (this.options.mode === 'raw') {
      // Where Docker's piece ends if the entry's text runs on without a newline: a prefix follows.
      const pieceEnd = start + DOCKER_PIECE_BYTES - state.pieceBytes;
      if (newline === -1 ? payload.length >= pieceEnd : newline >= pieceEnd) {
        this.append(state, payload.subarray(start, pieceEnd));
        state.pieceBytes = DOCKER_PIECE_BYTES;
        state.phase = 'prefix';
        return pieceEnd;
      }
    }
    if (newline === -1) {
      // Counted for end(): in multiplexed mode a frame is one piece, and it has no newline.
      this.append(state, payload.subarray(start));
      state.pieceBytes += payload.length - start;
      return payload.length;
    }
    if (state.line === undefined && newline - start <= this.maxLineBytes) {
      // The common case, a whole line within one piece: decode it in place, nothing to join or cut.
      const end = newline > start && payload[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      this.deliver(state.entryTs!, stream, payload.toString('utf8', start, end), undefined);
    } else {
      this.append(state, payload.subarray(start, newline));
      this.emit(state, stream, true);
    }
    // Raw mode: the next entry starts after the newline. Multiplexed: a frame is one entry, so
    // text after a newline inside the frame is another line of the same entry (same timestamp).
    if (this.options.mode === 'raw') state.phase = 'prefix';
    return newline + 1;
  }

  private prefixAsText(state: StreamState, bytes: Buffer): void {
    state.prefix = NO_BYTES;
    state.entryTs = state.line?.ts ?? state.entryTs ?? this.lastTs ?? stamp(this.options.now?.() ?? new Date());
    state.phase = 'text';
    this.append(state, bytes);
  }

  private append(state: StreamState, bytes: Buffer): void {
    const line = (state.line ??= { ts: state.entryTs!, parts: [], kept: 0, total: 0, endsWithCarriageReturn: false });
    if (bytes.length === 0) return;
    line.total += bytes.length;
    line.endsWithCarriageReturn = bytes[bytes.length - 1] === CARRIAGE_RETURN;
    const room = this.maxLineBytes + CAP_SLACK - line.kept;
    if (room <= 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    line.parts.push(kept);
    line.kept += kept.length;
  }

  private emit(state: StreamState, stream: LogStream, terminated: boolean): void {
    const line = state.line ?? { ts: state.entryTs!, parts: [], kept: 0, total: 0, endsWithCarriageReturn: false };
    state.line = undefined;
    const contentBytes = line.total - (terminated && line.endsWithCarriageReturn ? 1 : 0);
    // Most lines arrive in one piece: decode it in place rather than copy it.
    const bytes = line.parts.length === 1 ? line.parts[0]! : Buffer.concat(line.parts, line.kept);
    const truncated = contentBytes > this.maxLineBytes;
    const decoded = bytes.toString('utf8', 0, truncated ? this.maxLineBytes + CAP_SLACK - 1 : contentBytes);
    this.deliver(line.ts, stream, decoded, truncated ? contentBytes : undefined);
  }

  /** `cutFrom`: the whole line's bytes, when only a prefix of it was decoded. */
  private deliver(ts: string, stream: LogStream, decoded: string, cutFrom: number | undefined): void {
    // Invalid bytes decode to U+FFFD (3 bytes each), so the cap is applied to the decoded text.
    const text = truncateUtf8(decoded, this.maxLineBytes);
    if (cutFrom === undefined && text === decoded) {
      this.options.onLine({ ts, stream, text });
      return;
    }
    this.options.onLine({ ts, stream, text, truncated: true, originalBytes: cutFrom ?? Buffer.byteLength(decoded, 'utf8') });
  }

  private stateOf(stream: LogStream): StreamState {
    let state = this.states.get(stream);
    if (!state) {
      state = { phase: 'prefix', prefix: NO_BYTES, entryTs: undefined, line: undefined, pieceBytes: 0 };
      this.states.set(stream, state);
    }
    return state;
  }
}

/** Docker's own form, the usual prefix: checked first, without the captures of the general pattern (every line has a prefix). */
const DOCKER_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

/** A Date as Docker writes timestamps (nine fractional digits). */
function stamp(date: Date): string {
  return date.toISOString().replace('Z', '000000Z');
}
