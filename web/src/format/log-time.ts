/**
 * Log timestamps in the viewer's local time, to the millisecond. The full nanosecond value
 * stays in the line (and its tooltip); only the display is rounded down to ms.
 */
import { parseTimestamp } from '../../../protocol';

export interface LogTimeFormat {
  /** "14:03:27.381", prefixed with "05-06 " when the line is not from today. */
  format(ts: string): string;
}

/** Rendering a fast-moving log formats the same timestamps again and again; remember recent ones. */
const CACHE_LIMIT = 5000;

export function createLogTimeFormat(options: { timeZone?: string; now?: () => Date } = {}): LogTimeFormat {
  const now = options.now ?? (() => new Date());
  const formatter = new Intl.DateTimeFormat('en-GB', {
    timeZone: options.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  });
  const read = (date: Date) => {
    let year = '', month = '', day = '', hour = '', minute = '', second = '', fraction = '';
    for (const part of formatter.formatToParts(date)) {
      if (part.type === 'year') year = part.value;
      else if (part.type === 'month') month = part.value;
      else if (part.type === 'day') day = part.value;
      else if (part.type === 'hour') hour = part.value;
      else if (part.type === 'minute') minute = part.value;
      else if (part.type === 'second') second = part.value;
      else if (part.type === 'fractionalSecond') fraction = part.value;
    }
    return { date: `${year}-${month}-${day}`, monthDay: `${month}-${day}`, time: `${hour}:${minute}:${second}.${fraction}` };
  };

  // "Today" changes once a day; re-read it at most once a second, and drop cached strings when it does.
  let today = '';
  let todayCheckedAt = -Infinity;
  const cache = new Map<string, string>();
  const currentDay = () => {
    const at = now();
    if (Math.abs(at.getTime() - todayCheckedAt) >= 1000) {
      todayCheckedAt = at.getTime();
      const day = read(at).date;
      if (day !== today) cache.clear();
      today = day;
    }
    return today;
  };

  // A flood brings a new timestamp with every line, but few new seconds: the formatter (slow, about
  // 30 µs a call) reads each second once, and the milliseconds are the timestamp's own digits.
  const seconds = new Map<number, { date: string; monthDay: string; time: string }>();
  return {
    format(ts) {
      const day = currentDay();
      const cached = cache.get(ts);
      if (cached !== undefined) return cached;
      const parsed = parseTimestamp(ts);
      let shown = seconds.get(parsed.seconds);
      if (shown === undefined) {
        const whole = read(new Date(parsed.seconds * 1000));
        shown = { ...whole, time: whole.time.slice(0, -4) };
        if (seconds.size >= CACHE_LIMIT) seconds.clear();
        seconds.set(parsed.seconds, shown);
      }
      const time = `${shown.time}.${String(Math.floor(parsed.nanos / 1_000_000)).padStart(3, '0')}`;
      const text = shown.date === day ? time : `${shown.monthDay} ${time}`;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(ts, text);
      return text;
    },
  };
}
