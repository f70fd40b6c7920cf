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

/** Length of Docker's form, `2024-01-02T03:04:05.123456789Z`. */
const DOCKER_FORM_LENGTH = 30;
/** Offsets of the separators in Docker's form; every other position up to the `Z` is a digit. */
const DOCKER_FORM_SEPARATORS: ReadonlyMap<number, number> = new Map([
  [4, 0x2d], // -
  [7, 0x2d], // -
  [10, 0x54], // T
  [13, 0x3a], // :
  [16, 0x3a], // :
  [19, 0x2e], // .
  [29, 0x5a], // Z
]);
const DIGIT_0 = 0x30;

/** True when `value` has exactly Docker's shape (which TIMESTAMP_PATTERN also matches); fields are not range-checked. */
function hasDockerForm(value: string): boolean {
  if (value.length !== DOCKER_FORM_LENGTH) return false;
  for (let i = 0; i < DOCKER_FORM_LENGTH; i++) {
    const code = value.charCodeAt(i);
    const separator = DOCKER_FORM_SEPARATORS.get(i);
    if (separator === undefined ? code - DIGIT_0 >>> 0 > 9 : code !== separator) return false;
  }
  return true;
}

function twoDigits(value: string, at: number): number {
  return (value.charCodeAt(at) - DIGIT_0) * 10 + value.charCodeAt(at + 1) - DIGIT_0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True when `value` is in Docker's form with every field in range, so that its text orders like
 * the instant it denotes. Years before 1000 are left to the parser (Date.UTC maps 0–99 to 19xx).
 */
function ordersAsText(value: string): boolean {
  if (!hasDockerForm(value) || value.charCodeAt(0) === DIGIT_0) return false;
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > 28 && day > daysInMonth(twoDigits(value, 0) * 100 + twoDigits(value, 2), month)) return false;
  return twoDigits(value, 11) <= 23 && twoDigits(value, 14) <= 59 && twoDigits(value, 17) <= 59;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(pa: PreciseTime, pb: PreciseTime): number {
  return pa.seconds - pb.seconds || pa.nanos - pb.nanos;
}

export function isTimestamp(value: string): boolean {
  return hasDockerForm(value) || TIMESTAMP_PATTERN.test(value);
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
