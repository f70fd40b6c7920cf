/**
 * A batch's lines as they travel and are stored: one **packed body** per batch, a JSON text of
 * columns (like next to like, so compression finds the repeats), which the agent compresses once
 * with deflate-raw and sends base64-encoded (API Gateway carries text frames only). The cloud
 * stores the compressed bytes as they came and broadcasts them as they are; each reader inflates
 * with its own library (node:zlib, the browser's DecompressionStream), never past
 * MAX_BATCH_BODY_BYTES.
 *
 * This module is the body's one definition: its schema, `packLines` and `unpackLines`. It does no
 * compression itself, so the dashboard can import it.
 *
 * Timestamps take most of what compression cannot squeeze (their nanoseconds look random), so the
 * body keeps the first one as Docker wrote it and each next one as the nanoseconds after the line
 * before — whenever that gives Docker's exact text back; otherwise the text itself.
 */
import * as z from 'zod/mini';
import { MAX_BATCH_LINES, MAX_LINE_BYTES } from './limits';
import { LogLine, Seq, SkippedLines, Timestamp, type LogStream } from './messages';
import { byteLength } from './codec';
import { parseTimestamp } from './timestamp';

/** Lines in Docker's form differ by less than this many ns in a delta (104 days): beyond, the text. */
const MAX_DELTA_NS = Number.MAX_SAFE_INTEGER;
const NS_PER_S = 1_000_000_000;
const DOCKER_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

export const PackedLinesBody = z.object({
  /** The body's format; a reader refuses any other. */
  v: z.literal(1),
  firstSeq: Seq,
  /** Per line: its `ts` (always for the first line), or the ns after the previous line's `ts`. */
  ts: z.array(z.union([Timestamp, z.int()])).check(z.minLength(1), z.maxLength(MAX_BATCH_LINES)),
  /** One character per line, `o` stdout and `e` stderr; or one character when all lines share it. */
  streams: z.string().check(z.regex(/^[oe]+$/, 'must be "o" and "e" characters')),
  text: z.array(z.string()).check(z.minLength(1), z.maxLength(MAX_BATCH_LINES)),
  /** `[index, original UTF-8 size]` of each line the agent cut at its line cap (0: the size is unknown). */
  cut: z.optional(z.array(z.tuple([z.int().check(z.nonnegative()), z.int().check(z.nonnegative())]))),
  /** `[index, skipped]` of each skip marker. */
  skipped: z.optional(z.array(z.tuple([z.int().check(z.nonnegative()), SkippedLines]))),
});
export type PackedLinesBody = z.infer<typeof PackedLinesBody>;

/**
 * The packed body of `lines` (consecutive seqs, in order), as JSON text.
 * Deterministic: the same lines always give the same text (the cloud's digest relies on it).
 */
export function packLines(lines: readonly LogLine[]): string {
  const first = lines[0];
  if (!first) throw new RangeError('packLines needs at least one line');
  const ts: (string | number)[] = [];
  const text: string[] = [];
  const cut: [number, number][] = [];
  const skipped: [number, SkippedLines][] = [];
  let streams = '';
  let previous: string | undefined;
  const delta = deltaFinder();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.seq !== first.seq + i) throw new RangeError(`packLines needs consecutive seqs: line ${i} has seq ${line.seq}, not ${first.seq + i}`);
    ts.push(previous === undefined ? line.ts : (delta(previous, line.ts) ?? line.ts));
    previous = line.ts;
    text.push(line.text);
    streams += line.stream === 'stderr' ? 'e' : 'o';
    if (line.truncated) cut.push([i, line.originalBytes ?? 0]);
    if (line.skipped) skipped.push([i, line.skipped]);
  }
  const body: PackedLinesBody = {
    v: 1,
    firstSeq: first.seq,
    ts,
    streams: /^(.)\1*$/.test(streams) ? streams[0]! : streams,
    text,
    ...(cut.length > 0 ? { cut } : {}),
    ...(skipped.length > 0 ? { skipped } : {}),
  };
  return JSON.stringify(body);
}

export type Unpacked = { ok: true; lines: LogLine[] } | { ok: false; reason: string };

/** The lines of a packed body, validated as the protocol's LogLines; a reason in words when it is not one. */
export function unpackLines(bodyText: string): Unpacked {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch (error) {
    return { ok: false, reason: `packed lines are not JSON: ${(error as Error).message}` };
  }
  const parsed = PackedLinesBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `packed lines are invalid: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape'}` };
  }
  const body = parsed.data;
  const count = body.text.length;
  if (body.ts.length !== count) return { ok: false, reason: `packed lines have ${count} texts but ${body.ts.length} timestamps` };
  if (body.streams.length !== 1 && body.streams.length !== count) return { ok: false, reason: `packed lines have ${count} texts but ${body.streams.length} streams` };
  if (typeof body.ts[0] !== 'string') return { ok: false, reason: 'packed lines must give the first timestamp as text' };
  if (body.firstSeq + count - 1 > Number.MAX_SAFE_INTEGER) return { ok: false, reason: 'packed lines run past the largest seq' };
  const cut = new Map(body.cut ?? []);
  const skipped = new Map(body.skipped ?? []);
  for (const index of [...cut.keys(), ...skipped.keys()]) {
    if (index >= count) return { ok: false, reason: `packed lines mark line ${index}, but there are ${count}` };
  }
  const lines: LogLine[] = [];
  let previous = '';
  for (let i = 0; i < count; i++) {
    const entry = body.ts[i]!;
    const ts = typeof entry === 'string' ? entry : addNs(previous, entry);
    if (ts === undefined) return { ok: false, reason: `packed line ${i}: a timestamp delta needs a previous timestamp in Docker's form` };
    previous = ts;
    const text = body.text[i]!;
    const stream: LogStream = (body.streams.length === 1 ? body.streams : body.streams[i]) === 'e' ? 'stderr' : 'stdout';
    const line: LogLine = { seq: body.firstSeq + i, ts, stream, text };
    const originalBytes = cut.get(i);
    if (originalBytes !== undefined) {
      line.truncated = true;
      if (originalBytes > 0) line.originalBytes = originalBytes;
    }
    const marker = skipped.get(i);
    if (marker) line.skipped = marker;
    lines.push(line);
  }
  for (const line of lines) {
    // Text length is checked in characters first: only a long line pays for counting its bytes.
    if (line.text.length > MAX_LINE_BYTES / 3 && byteLength(line.text) > MAX_LINE_BYTES) {
      return { ok: false, reason: `packed line ${line.seq - body.firstSeq} is ${byteLength(line.text)} bytes; the limit is ${MAX_LINE_BYTES}` };
    }
  }
  const checked = z.array(LogLine).safeParse(lines);
  if (!checked.success) return { ok: false, reason: `packed lines are invalid: ${checked.error.issues[0]?.message ?? 'unexpected shape'}` };
  return { ok: true, lines };
}

/** "2026-11-25T12:00:" — what timestamps of one minute share in Docker's form. */
const MINUTE_PREFIX = 17;

/**
 * deltaNs, fast for the common case: once a delta into a minute was found exact, timestamps of that
 * same minute (seconds 00–59) differ by what their seconds and nanoseconds say, without parsing
 * dates (packing runs for every line the agent sends). The same results as deltaNs.
 */
function deltaFinder(): (from: string, to: string) => number | undefined {
  let minute: string | undefined;
  return (from, to) => {
    if (minute !== undefined && from.startsWith(minute) && to.startsWith(minute)) {
      const a = nsInMinute(from);
      const b = nsInMinute(to);
      if (a !== undefined && b !== undefined) return b - a;
    }
    const delta = deltaNs(from, to);
    // `to` was rebuilt exactly from `from`: its minute is written as Docker (and Date) write it.
    minute = delta === undefined ? undefined : to.slice(0, MINUTE_PREFIX);
    return delta;
  };
}

/** The ns since its minute of a timestamp in Docker's form ("…:SS.nnnnnnnnnZ", SS at most 59), or undefined. */
function nsInMinute(ts: string): number | undefined {
  if (ts.length !== 30 || ts.charCodeAt(19) !== 0x2e || ts.charCodeAt(29) !== 0x5a) return undefined;
  let seconds = 0;
  for (let i = 17; i < 19; i++) {
    const digit = ts.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    seconds = seconds * 10 + digit;
  }
  if (seconds > 59) return undefined;
  let nanos = 0;
  for (let i = 20; i < 29; i++) {
    const digit = ts.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    nanos = nanos * 10 + digit;
  }
  return seconds * NS_PER_S + nanos;
}

/** ns from `from` to `to`, when both are in Docker's form and adding it to `from` gives `to` back exactly. */
function deltaNs(from: string, to: string): number | undefined {
  if (!DOCKER_FORM.test(from) || !DOCKER_FORM.test(to)) return undefined;
  const a = parseTimestamp(from);
  const b = parseTimestamp(to);
  const delta = (b.seconds - a.seconds) * NS_PER_S + (b.nanos - a.nanos);
  if (!Number.isSafeInteger(delta) || Math.abs(delta) > MAX_DELTA_NS) return undefined;
  return addNs(from, delta) === to ? delta : undefined;
}

/** Docker's form of `ts` plus `ns` (either sign), or undefined when `ts` is not in that form. */
function addNs(ts: string, ns: number): string | undefined {
  if (!DOCKER_FORM.test(ts)) return undefined;
  const { seconds, nanos } = parseTimestamp(ts);
  const total = nanos + (ns % NS_PER_S);
  const carry = Math.floor(total / NS_PER_S);
  const s = seconds + Math.trunc(ns / NS_PER_S) + carry;
  const n = total - carry * NS_PER_S;
  const date = new Date(s * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}.${String(n).padStart(9, '0')}Z`;
}
