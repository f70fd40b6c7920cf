/**
 * A model of what Docker makes of what a container writes, for the agent's property tests: the
 * log copier (daemon/logger/copier.go) cuts each line into pieces of at most its 16 KB buffer, a
 * piece that fills the buffer without a "\n" being a *partial*; every piece becomes one log entry
 * with its own timestamp; the logs endpoint (`timestamps=1`) sends each entry as
 * `<timestamp> <piece>` — one multiplexed frame per entry for a non-TTY container, raw bytes
 * one after the other for a TTY (whose line discipline has already turned "\n" into "\r\n").
 *
 * It also says which lines a correct reader gets from those bytes, written independently of the
 * agent's code (no shared helpers), so the tests compare the agent with Docker's behaviour rather
 * than with itself.
 */
import type { StreamMode } from '../../../agent/docker/frame-demuxer';
import type { LogStream } from '../../../protocol';
import { muxFrame } from './docker-bytes';

/** Docker's copier buffer: a line's bytes are cut into pieces of this size. */
export const DOCKER_PIECE_BYTES = 16 * 1024;

/** One line as the container writes it. */
export interface WrittenLine {
  readonly stream: LogStream;
  /** The text without its line ending. */
  readonly content: string;
  /** How it ends; '' only for the last line of a stream: the container exited mid-line. */
  readonly ending: '\n' | '\r\n' | '';
}

export interface DockerEntry {
  readonly stream: LogStream;
  readonly ts: string;
  readonly piece: Buffer;
  /** Index of the written line this piece belongs to. */
  readonly line: number;
}

export interface ExpectedLine {
  readonly ts: string;
  readonly stream: LogStream;
  readonly text: string;
  readonly truncated?: true;
}

/** The pieces Docker's copier makes of one line: full 16 KB buffers, then the rest with its "\n". */
export function piecesOf(line: WrittenLine): Buffer[] {
  const bytes = Buffer.from(line.content + line.ending, 'utf8');
  const terminated = line.ending !== '';
  // The "\n" is what ends the line; the copier looks for it, so it never starts a piece of its own
  // unless the bytes before it filled the buffer exactly.
  const body = terminated ? bytes.subarray(0, bytes.length - 1) : bytes;
  const pieces: Buffer[] = [];
  let offset = 0;
  while (body.length - offset >= DOCKER_PIECE_BYTES) {
    pieces.push(body.subarray(offset, offset + DOCKER_PIECE_BYTES));
    offset += DOCKER_PIECE_BYTES;
  }
  if (terminated) pieces.push(Buffer.concat([body.subarray(offset), Buffer.from('\n')]));
  else if (offset < body.length) pieces.push(body.subarray(offset));
  return pieces;
}

/**
 * The entries Docker logs for `lines`, in the order `order` picks them: `order[i]` names the
 * stream whose next piece comes i-th (each stream's own pieces stay in order, as each stream has
 * its own copier). Missing picks are filled stream by stream. Timestamps come from `stamp(i)`.
 */
export function dockerEntries(lines: readonly WrittenLine[], order: readonly LogStream[], stamp: (i: number) => string): DockerEntry[] {
  const queues = new Map<LogStream, { line: number; piece: Buffer }[]>();
  lines.forEach((line, index) => {
    const queue = queues.get(line.stream) ?? [];
    for (const piece of piecesOf(line)) queue.push({ line: index, piece });
    queues.set(line.stream, queue);
  });
  const entries: DockerEntry[] = [];
  const take = (stream: LogStream) => {
    const next = queues.get(stream)?.shift();
    if (next) entries.push({ stream, ts: stamp(entries.length), piece: next.piece, line: next.line });
  };
  for (const stream of order) take(stream);
  for (const [stream, queue] of queues) while (queue.length > 0) take(stream);
  return entries;
}

/** The bytes of Docker's logs endpoint for these entries. */
export function dockerBytes(mode: StreamMode, entries: readonly DockerEntry[]): Buffer {
  const payloads = entries.map((e) => Buffer.concat([Buffer.from(`${e.ts} `, 'latin1'), e.piece]));
  return mode === 'multiplexed' ? Buffer.concat(entries.map((e, i) => muxFrame(e.stream, payloads[i]!))) : Buffer.concat(payloads);
}

/**
 * The lines a reader must get: each written line once, with its first piece's timestamp, without
 * its ending (a terminated line also loses one "\r" before the "\n": a TTY's, or a program's own
 * "\r\n"), cut to `maxLineBytes` on a character boundary and flagged when longer. A line comes out
 * when its last piece has arrived; lines left unterminated by the end come out at the end, in the
 * order their streams first appeared.
 */
export function expectedLines(lines: readonly WrittenLine[], entries: readonly DockerEntry[], maxLineBytes: number): ExpectedLine[] {
  const firstTs = new Map<number, string>();
  const lastEntry = new Map<number, number>();
  entries.forEach((entry, i) => {
    if (!firstTs.has(entry.line)) firstTs.set(entry.line, entry.ts);
    lastEntry.set(entry.line, i);
  });
  const streamsSeen = [...new Set(entries.map((e) => e.stream))];
  const out = (index: number): ExpectedLine => {
    const line = lines[index]!;
    const text = line.ending === '' ? line.content : (line.content + line.ending).slice(0, -1).replace(/\r$/, '');
    return capped(firstTs.get(index)!, line.stream, text, maxLineBytes);
  };
  const written = [...firstTs.keys()];
  const terminated = written.filter((i) => lines[i]!.ending !== '').sort((a, b) => lastEntry.get(a)! - lastEntry.get(b)!);
  const unterminated = streamsSeen.flatMap((stream) => written.filter((i) => lines[i]!.ending === '' && lines[i]!.stream === stream));
  return [...terminated.map(out), ...unterminated.map(out)];
}

function capped(ts: string, stream: LogStream, text: string, maxLineBytes: number): ExpectedLine {
  if (Buffer.byteLength(text, 'utf8') <= maxLineBytes) return { ts, stream, text };
  let kept = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxLineBytes) break;
    kept += char;
    bytes += size;
  }
  return { ts, stream, text: kept, truncated: true };
}
