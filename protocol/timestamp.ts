/**
 * Docker log timestamps: RFC 3339 with up to nanosecond precision (Docker writes a fixed
 * nine-digit fraction). JavaScript's Date keeps only milliseconds, so timestamps travel and are
 * stored as the original string, and are compared here exactly, as (seconds, nanoseconds).
 */

export const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export interface PreciseTime {
  /** Whole seconds since the Unix epoch. */
  readonly seconds: number;
  /** 0 … 999 999 999. */
  readonly nanos: number;
}

export function isTimestamp(value: string): boolean {
  return TIMESTAMP_PATTERN.test(value);
}

export function parseTimestamp(value: string): PreciseTime {
  const m = TIMESTAMP_PATTERN.exec(value);
  if (!m) throw new RangeError(`not an RFC 3339 timestamp: ${JSON.stringify(value)}`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let seconds = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) / 1000;
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone!.slice(1).split(':');
    seconds -= sign * (+zh! * 3600 + +zm! * 60);
  }
  return { seconds, nanos: Number(frac.padEnd(9, '0')) };
}

/** Negative when a is earlier than b, zero when equal to the nanosecond, positive otherwise. */
export function compareTimestamps(a: string, b: string): number {
  const pa = parseTimestamp(a);
  const pb = parseTimestamp(b);
  return pa.seconds - pb.seconds || pa.nanos - pb.nanos;
}

/** Docker's `since` query parameter: Unix seconds with a nine-digit fraction. */
export function toDockerSince(ts: string): string {
  const { seconds, nanos } = parseTimestamp(ts);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}
