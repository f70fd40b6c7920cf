/**
 * The lines of a view counted over time, for the histogram above them: equal spans of time from
 * the earliest line to the latest, each counted by level. Timestamps are compared as exact
 * nanoseconds (protocol/timestamp.ts parses them; a BigInt holds them, since nanoseconds since
 * 1970 pass 2^53): two lines a nanosecond apart at a bucket's edge fall on their own sides.
 * Pure. A view counts through createLineBuckets, which reads each row's time and level once and
 * keeps them beside the rows, so counting again as lines arrive reads only the new ones.
 */
import { parseTimestamp, type PreciseTime } from '../../../protocol';
import type { LineRow, LogRow } from './line-buffer';
import { droppedAtFront, type ChangingRows } from './row-layout';

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
  return createLineBuckets()({ rows, rewrites: 0 }, bucketCount);
}

/** Each line's time, parsed once: a filter's rows (and all of them again after it) are read anew, but not parsed anew. */
const timeCache = new WeakMap<LineRow, PreciseTime>();

function timeOf(row: LineRow): PreciseTime {
  let time = timeCache.get(row);
  if (time === undefined) {
    time = parseTimestamp(row.ts);
    timeCache.set(row, time);
  }
  return time;
}

/** No level band: the row is a marker, not a line. */
const NOT_A_LINE = 255;
const BANDS = LEVEL_BANDS.length;

/**
 * bucketLines for a view whose rows change as lines arrive: each row's time and level band are
 * read once and kept in typed arrays beside the rows. When the rows only grew at the end and lost
 * some at the front (recognised as row-layout's droppedAtFront does: no other change counted, the
 * first row an old one, the old last row where it should be), only the new rows are read; counting
 * 100,000 lines again then touches no row object but the buckets' earliest. Anything else (a gap
 * filled in place among them) reads every row again.
 */
export function createLineBuckets(): (shown: ChangingRows<LogRow>, bucketCount: number) => Histogram | undefined {
  let held: ChangingRows<LogRow> = { rows: [], rewrites: 0 };
  let seconds = new Float64Array(0);
  let nanos = new Float64Array(0);
  let bands = new Uint8Array(0);
  let lines = 0;

  const read = (shown: ChangingRows<LogRow>) => {
    const { rows } = shown;
    const dropped = droppedAtFront(held, shown);
    const before = held.rows;
    let from = 0;
    if (dropped !== undefined && seconds.length >= rows.length) {
      const kept = before.length - dropped;
      seconds.copyWithin(0, dropped, before.length);
      nanos.copyWithin(0, dropped, before.length);
      bands.copyWithin(0, dropped, before.length);
      for (let i = 0; i < dropped; i += 1) if (before[i]!.kind === 'line') lines -= 1;
      from = kept;
    } else {
      if (seconds.length < rows.length) {
        const size = Math.max(1024, rows.length * 2);
        seconds = new Float64Array(size);
        nanos = new Float64Array(size);
        bands = new Uint8Array(size);
      }
      lines = 0;
    }
    for (let i = from; i < rows.length; i += 1) {
      const row = rows[i]!;
      if (row.kind !== 'line') {
        bands[i] = NOT_A_LINE;
        continue;
      }
      const time = timeOf(row);
      seconds[i] = time.seconds;
      nanos[i] = time.nanos;
      bands[i] = LEVEL_BANDS.indexOf(levelBand(row.level));
      lines += 1;
    }
    held = { rows, rewrites: shown.rewrites };
  };

  return (shown, bucketCount) => {
    if (!Number.isInteger(bucketCount) || bucketCount < 1) throw new RangeError(`bucketCount must be a positive integer, got ${bucketCount}`);
    read(shown);
    const { rows } = shown;
    if (lines === 0) return undefined;
    return bucketByNumbers(rows, bucketCount) ?? bucketByBigInts(rows.filter((row): row is LineRow => row.kind === 'line'), bucketCount);
  };

  /**
   * Without a BigInt per line (100,000 of them each redraw cost a frame and fed the collector):
   * each line's nanoseconds after the earliest as a Number, exact while the span stays under 2^53
   * ns (104 days). Undefined for a longer span.
   */
  function bucketByNumbers(rows: readonly LogRow[], bucketCount: number): Histogram | undefined {
    const count = rows.length;
    let first = -1;
    let last = -1;
    for (let i = 0; i < count; i += 1) {
      if (bands[i] === NOT_A_LINE) continue;
      if (first === -1 || seconds[i]! < seconds[first]! || (seconds[i] === seconds[first] && nanos[i]! < nanos[first]!)) first = i;
      if (last === -1 || seconds[i]! > seconds[last]! || (seconds[i] === seconds[last] && nanos[i]! > nanos[last]!)) last = i;
    }
    const fromS = seconds[first]!;
    const fromN = nanos[first]!;
    if ((seconds[last]! - fromS + 1) * NS >= MAX_EXACT) return undefined;
    const span = (seconds[last]! - fromS) * NS + (nanos[last]! - fromN) + 1;
    // Rounded up, so that count buckets always reach the latest line.
    const width = divide(span + bucketCount - 1, bucketCount);
    const totals = new Array<number>(bucketCount).fill(0);
    const counts = new Int32Array(bucketCount * BANDS);
    const earliest = new Array<number>(bucketCount).fill(-1);
    const earliestAt = new Float64Array(bucketCount);
    for (let i = 0; i < count; i += 1) {
      const band = bands[i]!;
      if (band === NOT_A_LINE) continue;
      const offset = (seconds[i]! - fromS) * NS + (nanos[i]! - fromN);
      const index = divide(offset, width);
      totals[index]! += 1;
      counts[index * BANDS + band]! += 1;
      if (earliest[index] === -1 || offset < earliestAt[index]!) {
        earliest[index] = i;
        earliestAt[index] = offset;
      }
    }
    const fromNs = BigInt(fromS) * NS_PER_SECOND + BigInt(fromN);
    const widthNs = BigInt(width);
    const buckets = totals.map((total, i) => ({
      startNs: fromNs + BigInt(i) * widthNs,
      ...(earliest[i] !== -1 ? { firstTs: (rows[earliest[i]!] as LineRow).ts } : {}),
      total,
      counts: Object.fromEntries(LEVEL_BANDS.map((band, b) => [band, counts[i * BANDS + b]!])) as Record<LevelBand, number>,
    }));
    return { fromNs, toNs: BigInt(seconds[last]!) * NS_PER_SECOND + BigInt(nanos[last]!), widthNs, buckets, max: Math.max(...totals) };
  }
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
