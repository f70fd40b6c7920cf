/**
 * Synthetic container logs, byte for byte as Docker's logs endpoint sends them with
 * `timestamps=1` for a non-TTY container: 8-byte multiplexed frame headers, one entry per frame,
 * each entry `<RFC3339Nano> <text>\n`. Lines longer than Docker's 16 KB copier buffer are written
 * as partial entries (no "\n" until the last), each with its own timestamp, and other frames may
 * fall between the pieces — that is what the line framer has to cope with in production.
 *
 * The content is seeded, so every run (and every process) benchmarks the same bytes.
 */
import { seededRandom } from '../infra/local/seeded-random';

export interface DockerLog {
  /** The whole multiplexed stream. */
  readonly bytes: Buffer;
  /** Log lines as a reader counts them (a line split into partials is one); at least the number asked for. */
  readonly lines: number;
  readonly firstTs: string;
  readonly firstText: string;
}

export interface DockerLogOptions {
  readonly lines: number;
  readonly seed?: number;
  /** One line in this many is a long one, split into partials. */
  readonly longLineEvery?: number;
}

/** Node reads a Unix socket (Docker's API) in chunks of up to 64 KB. */
export const SOCKET_READ_BYTES = 64 * 1024;

/** Docker's log copier buffer: longer lines arrive as pieces of this many text bytes. */
const PARTIAL_BYTES = 16 * 1024;
const STDOUT = 1;
const STDERR = 2;
/** 2026-11-25T12:00:00Z; entries advance by a few microseconds each, like a busy service. */
const START_SECONDS = Date.UTC(2026, 10, 25, 12, 0, 0) / 1000;
const START_NANOS = 123_456_789;

export function generateDockerLog(options: DockerLogOptions): DockerLog {
  const random = seededRandom(options.seed ?? 42);
  const longLineEvery = options.longLineEvery ?? 5000;
  const writer = new FrameWriter(options.lines * 96);
  let nanos = START_NANOS;
  const nextTs = (): string => {
    nanos += 1 + Math.floor(random() * 40_000);
    return dockerTimestamp(nanos);
  };

  let firstTs = '';
  let firstText = '';
  let lines = 0;
  for (let i = 0; lines < options.lines; i++) {
    const ts = nextTs();
    if (i > 0 && i % longLineEvery === 0) {
      lines += writeLongLine(writer, ts, random, nextTs);
      continue;
    }
    lines += 1;
    const [stream, text] = shortLine(random, i);
    if (i === 0) [firstTs, firstText] = [ts, text];
    writer.frame(stream, `${ts} ${text}\n`);
  }
  return { bytes: writer.done(), lines, firstTs, firstText };
}

/** Splits `bytes` at seeded arbitrary points into chunks of 1 byte … `maxBytes`, as a socket would. */
export function chunked(bytes: Buffer, maxBytes = SOCKET_READ_BYTES, seed = 7): Buffer[] {
  const random = seededRandom(seed);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    // Mostly full reads, sometimes short ones, so boundaries land inside headers and characters.
    const size = random() < 0.8 ? maxBytes : 1 + Math.floor(random() * maxBytes);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

function shortLine(random: () => number, i: number): [number, string] {
  const roll = random();
  if (roll < 0.7) {
    const method = pick(random, ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']);
    const status = pick(random, [200, 200, 200, 200, 201, 204, 304, 404, 500]);
    return [STDOUT, `${method} /api/items/${i % 9973} ${status} ${1 + Math.floor(random() * 250)}ms`];
  }
  if (roll < 0.85) {
    // Quotes and non-ASCII: JSON escaping and multi-byte UTF-8 on the hot path.
    const user = pick(random, ['ana', 'zoë', 'jürgen', 'søren', '李雷', 'bob']);
    return [STDOUT, `{"level":"info","msg":"cache refreshed → ok","user":"${user}","keys":${Math.floor(random() * 1e5)}}`];
  }
  if (roll < 0.95) {
    return [STDERR, `WARN slow query took ${Math.floor(random() * 5000)}ms: SELECT * FROM items WHERE owner = $1 LIMIT 50`];
  }
  return [STDERR, `    at Object.handler (/app/src/routes/items.js:${1 + (i % 400)}:13) 🔥`];
}

/**
 * A 20–60 KB JSON dump, cut into 16 KB partials; a stderr line sometimes lands between pieces.
 * Returns how many lines that makes.
 */
function writeLongLine(writer: FrameWriter, ts: string, random: () => number, nextTs: () => string): number {
  let lines = 1;
  const size = 20_000 + Math.floor(random() * 40_000);
  const text = `{"dump":"${'x'.repeat(size)}"}`;
  for (let start = 0; start < text.length; start += PARTIAL_BYTES) {
    const piece = text.slice(start, start + PARTIAL_BYTES);
    const last = start + PARTIAL_BYTES >= text.length;
    writer.frame(STDOUT, `${start === 0 ? ts : nextTs()} ${piece}${last ? '\n' : ''}`);
    if (!last && random() < 0.5) {
      writer.frame(STDERR, `${nextTs()} WARN interleaved while a long line is written\n`);
      lines += 1;
    }
  }
  return lines;
}

/** Appends frames to one growing buffer: far cheaper than a Buffer per line for a million lines. */
class FrameWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  frame(stream: number, entry: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.reserve(8 + entry.length * 3);
    const payloadBytes = this.buffer.write(entry, this.length + 8, 'utf8');
    this.buffer.writeUInt32BE(stream << 24, this.length);
    this.buffer.writeUInt32BE(payloadBytes, this.length + 4);
    this.length += 8 + payloadBytes;
  }

  done(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

let cachedSeconds = -1;
let cachedWholePart = '';

/** Nanoseconds after START into Docker's nine-digit-fraction UTC form. */
function dockerTimestamp(nanosSinceStart: number): string {
  const seconds = START_SECONDS + Math.floor(nanosSinceStart / 1e9);
  // Thousands of entries share a second: format the date part once per second.
  if (seconds !== cachedSeconds) {
    cachedSeconds = seconds;
    cachedWholePart = new Date(seconds * 1000).toISOString().slice(0, 19);
  }
  return `${cachedWholePart}.${String(nanosSinceStart % 1e9).padStart(9, '0')}Z`;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

