/**
 * The lines of a view counted over time, for the histogram above them: equal spans of time from
 * the earliest line to the latest, each counted by level. Timestamps are compared as exact
 * nanoseconds (protocol/timestamp.ts parses them; a BigInt holds them, since nanoseconds since
 * 1970 pass 2^53): two lines a nanosecond apart at a bucket's edge fall on their own sides.
 * Pure; each row's time is parsed once and kept (a WeakMap keyed by the row, which the buffer
 * never changes), so counting again as lines arrive parses only the new ones.
 */
import { parseTimestamp, type PreciseTime } from '../../../protocol';
import type { LineRow, LogRow } from './line-buffer';

/** The histogram's colours: levels grouped as a reader scans them. */
export type LevelBand = 'error' | 'warn' | 'info' | 'debug' | 'other';
export const LEVEL_BANDS: readonly LevelBand[] = ['error', 'warn', 'info', 'debug', 'other'];

export interface HistogramBucket {
  /** The first nanosecond of the bucket (since the Unix epoch). */
  readonly startNs: bigint;
  /** The earliest line in it, as written: where a click on it jumps to. Absent when it is empty. */
  readonly firstTs?: string;
  readonly total: number;
  readonly counts: Readonly<Record<LevelBand, number>>;
}

export interface Histogram {
  readonly fromNs: bigint;
  /** The latest line's nanosecond (inclusive). */
  readonly toNs: bigint;
  /** Each bucket spans this many nanoseconds (at least 1). */
  readonly widthNs: bigint;
  readonly buckets: readonly HistogramBucket[];
  /** The largest bucket's total, for scaling. */
  readonly max: number;
}

const NS_PER_SECOND = 1_000_000_000n;
const nanosCache = new WeakMap<LineRow, bigint>();
const timeCache = new WeakMap<LineRow, PreciseTime>();

export function timestampNanos(ts: string): bigint {
  const { seconds, nanos } = parseTimestamp(ts);
  return BigInt(seconds) * NS_PER_SECOND + BigInt(nanos);
}

function nanosOf(row: LineRow): bigint {
  let ns = nanosCache.get(row);
  if (ns === undefined) {
    ns = timestampNanos(row.ts);
    nanosCache.set(row, ns);
  }
  return ns;
}

function timeOf(row: LineRow): PreciseTime {
  let time = timeCache.get(row);
  if (time === undefined) {
    time = parseTimestamp(row.ts);
    timeCache.set(row, time);
  }
  return time;
}

export function levelBand(level: LineRow['level']): LevelBand {
  switch (level) {
    case 'fatal':
    case 'error':
      return 'error';
    case 'warn':
      return 'warn';
    case 'info':
      return 'info';
    case 'debug':
    case 'trace':
      return 'debug';
    default:
      return 'other';
  }
}

/**
 * The lines among `rows` (markers are not counted) in `bucketCount` buckets; undefined without
 * lines. The span from the earliest to the latest line is divided so that every bucket is as
 * wide, the latest line in the last one.
 */
export function bucketLines(rows: readonly LogRow[], bucketCount: number): Histogram | undefined {
  if (!Number.isInteger(bucketCount) || bucketCount < 1) throw new RangeError(`bucketCount must be a positive integer, got ${bucketCount}`);
  const lines: LineRow[] = [];
  for (const row of rows) if (row.kind === 'line') lines.push(row);
  if (lines.length === 0) return undefined;
  return bucketByNumbers(lines, bucketCount) ?? bucketByBigInts(lines, bucketCount);
}

const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const NS = 1_000_000_000;

/** floor(a / b) for safe non-negative integers, exact (the float quotient can round up across an integer). */
function divide(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/**
 * The common case, without a BigInt per line (100,000 of them each redraw cost a frame and fed the
 * collector): each line's nanoseconds after the earliest as a Number, exact while the span stays
 * under 2^53 ns (104 days). Undefined for a longer span.
 */
function bucketByNumbers(lines: readonly LineRow[], bucketCount: number): Histogram | undefined {
  const times = lines.map(timeOf);
  let from = times[0]!;
  let to = from;
  for (const time of times) {
    if (time.seconds < from.seconds || (time.seconds === from.seconds && time.nanos < from.nanos)) from = time;
    if (time.seconds > to.seconds || (time.seconds === to.seconds && time.nanos > to.nanos)) to = time;
  }
  if ((to.seconds - from.seconds + 1) * NS >= MAX_EXACT) return undefined;
  const offsets = new Float64Array(times.length);
  for (let i = 0; i < times.length; i += 1) offsets[i] = (times[i]!.seconds - from.seconds) * NS + (times[i]!.nanos - from.nanos);
  const span = (to.seconds - from.seconds) * NS + (to.nanos - from.nanos) + 1;
  // Rounded up, so that count buckets always reach the latest line.
  const width = divide(span + bucketCount - 1, bucketCount);
  const totals = new Array<number>(bucketCount).fill(0);
  const counts = Array.from({ length: bucketCount }, () => ({ error: 0, warn: 0, info: 0, debug: 0, other: 0 }));
  const first: (number | undefined)[] = new Array(bucketCount).fill(undefined);
  for (let i = 0; i < offsets.length; i += 1) {
    const offset = offsets[i]!;
    const index = divide(offset, width);
    totals[index]! += 1;
    counts[index]![levelBand(lines[i]!.level)] += 1;
    const earliest = first[index];
    if (earliest === undefined || offset < offsets[earliest]!) first[index] = i;
  }
  const fromNs = BigInt(from.seconds) * NS_PER_SECOND + BigInt(from.nanos);
  const widthNs = BigInt(width);
  const buckets = totals.map((total, i) => ({
    startNs: fromNs + BigInt(i) * widthNs,
    ...(first[i] !== undefined ? { firstTs: lines[first[i]!]!.ts } : {}),
    total,
    counts: counts[i]!,
  }));
  return { fromNs, toNs: BigInt(to.seconds) * NS_PER_SECOND + BigInt(to.nanos), widthNs, buckets, max: Math.max(...totals) };
}

function bucketByBigInts(lines: readonly LineRow[], bucketCount: number): Histogram {
  // Each line's nanosecond once, side by side with the rows (int64 holds them until 2262).
  const times = new BigInt64Array(lines.length);
  let from = nanosOf(lines[0]!);
  let to = from;
  for (let i = 0; i < lines.length; i += 1) {
    const ns = nanosOf(lines[i]!);
    times[i] = ns;
    if (ns < from) from = ns;
    if (ns > to) to = ns;
  }
  const count = BigInt(bucketCount);
  const span = to - from + 1n;
  // Rounded up, so that count buckets always reach the latest line.
  const width = (span + count - 1n) / count;
  const totals = new Array<number>(bucketCount).fill(0);
  const counts = Array.from({ length: bucketCount }, () => ({ error: 0, warn: 0, info: 0, debug: 0, other: 0 }));
  const first: (number | undefined)[] = new Array(bucketCount).fill(undefined);
  for (let i = 0; i < lines.length; i += 1) {
    const ns = times[i]!;
    const index = Number((ns - from) / width);
    totals[index]! += 1;
    counts[index]![levelBand(lines[i]!.level)] += 1;
    const earliest = first[index];
    if (earliest === undefined || ns < times[earliest]!) first[index] = i;
  }
  const buckets = totals.map((total, i) => ({
    startNs: from + BigInt(i) * width,
    ...(first[i] !== undefined ? { firstTs: lines[first[i]!]!.ts } : {}),
    total,
    counts: counts[i]!,
  }));
  return { fromNs: from, toNs: to, widthNs: width, buckets, max: Math.max(...totals) };
}
