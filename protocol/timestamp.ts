/**
 * Docker log timestamps: RFC 3339 with up to nanosecond precision (Docker writes a fixed
 * nine-digit fraction). JavaScript's Date keeps only milliseconds, so timestamps travel and are
 * stored as the original string, and are compared here exactly, as (seconds, nanoseconds).
 *
 * Every log line is compared at least twice on the agent, so the common case takes a fast path:
 * two timestamps in Docker's own form (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, UTC, nine digits) with
 * in-range fields order exactly as their text does. Anything else — other offsets or fraction
 * lengths, and fields Date.UTC would roll over (month 13, 31 February, years before 1000) — is
 * parsed, so both paths always agree.
 */

export const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export interface PreciseTime {
  /** Whole seconds since the Unix epoch. */
  readonly seconds: number;
  /** 0 … 999 999 999. */
  readonly nanos: number;
}

/**
 * Docker's form with every field in range for Date.UTC (years before 1000 are left to the parser:
 * it maps 0–99 to 19xx). Days 29–31 are checked against the month separately.
 */
const DOCKER_FORM_IN_RANGE =
  /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{9}Z$/;
const DIGIT_0 = 0x30;

function twoDigits(value: string, at: number): number {
  return (value.charCodeAt(at) - DIGIT_0) * 10 + value.charCodeAt(at + 1) - DIGIT_0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The last value ordersAsText accepted. The agent compares each line's timestamp with the newest
 * one so far — the previous line's, usually — so one remembered answer spares half the checks.
 */
let lastOrderedAsText: string | undefined;

/** True when `value` is in Docker's form with every field in range, so that its text orders like the instant it denotes. */
function ordersAsText(value: string): boolean {
  if (value === lastOrderedAsText) return true;
  if (!DOCKER_FORM_IN_RANGE.test(value)) return false;
  const day = twoDigits(value, 8);
  if (day > 28 && day > daysInMonth(twoDigits(value, 0) * 100 + twoDigits(value, 2), twoDigits(value, 5))) return false;
  lastOrderedAsText = value;
  return true;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(pa: PreciseTime, pb: PreciseTime): number {
  return pa.seconds - pb.seconds || pa.nanos - pb.nanos;
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
  if (a === b && isTimestamp(a)) return 0;
  if (ordersAsText(a) && ordersAsText(b)) return compareText(a, b);
  return compareParsed(parseTimestamp(a), parseTimestamp(b));
}

/**
 * `(value) => compareTimestamps(value, reference)`, with `reference` checked and parsed once:
 * for comparing many timestamps against one that does not change (a resume point).
 * Throws a RangeError at once when `reference` is not a timestamp.
 */
export function compareToTimestamp(reference: string): (value: string) => number {
  if (ordersAsText(reference)) {
    let parsed: PreciseTime | undefined;
    return (value) => {
      if (ordersAsText(value)) return compareText(value, reference);
      return compareParsed(parseTimestamp(value), (parsed ??= parseTimestamp(reference)));
    };
  }
  const parsed = parseTimestamp(reference);
  return (value) => (value === reference ? 0 : compareParsed(parseTimestamp(value), parsed));
}

/** Docker's `since` query parameter: Unix seconds with a nine-digit fraction. */
export function toDockerSince(ts: string): string {
  const { seconds, nanos } = parseTimestamp(ts);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}
