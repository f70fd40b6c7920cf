/**
 * A line's log level, read from the shapes loggers commonly write. Pure, and run once per line
 * as it arrives (line-buffer.ts), so it looks only at the start of the line and uses no parse:
 *   - JSON: a `level`, `severity`, `lvl` or `log.level` field, a word or a number (pino and
 *     bunyan: 10 trace … 60 fatal; syslog severities 0–7);
 *   - logfmt: `level=warn` (or `lvl=`, `severity=`), quoted or not;
 *   - plain words: `ERROR`, `WARN`, … at the start, after up to three timestamp-like tokens
 *     (`2026-11-25T12:00:01Z`, `12:00:01,123`, `[2026/11/25 12:00]`), upper case or followed by
 *     a colon; any case in brackets (`[warn]`, `<error>`); a single letter only in brackets
 *     (`[E]`) or glog-style (`E1125 12:00:01.123`).
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const WORDS: Readonly<Record<string, LogLevel>> = {
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', panic: 'fatal', emerg: 'fatal', emergency: 'fatal', alert: 'fatal',
  error: 'error', err: 'error', eror: 'error',
  warn: 'warn', warning: 'warn', wrn: 'warn',
  info: 'info', inf: 'info', information: 'info', notice: 'info',
  debug: 'debug', dbg: 'debug', dbug: 'debug',
  trace: 'trace', trc: 'trace', verbose: 'trace',
};
const LETTERS: Readonly<Record<string, LogLevel>> = { F: 'fatal', C: 'fatal', E: 'error', W: 'warn', I: 'info', D: 'debug', T: 'trace', V: 'trace' };

/** How far into a line a level is looked for: loggers put it near the start. */
const SCAN_CHARS = 240;

const JSON_FIELD = /"(?:level|severity|lvl|log\.level|levelname)"\s*:\s*(?:"([A-Za-z]{1,12})"|(\d{1,3})\b)/i;
const LOGFMT_FIELD = /(?:^|\s)(?:level|lvl|severity)=(?:"([A-Za-z]{1,12})"|([A-Za-z]{1,12})\b)/i;
/** Up to three tokens that begin with a digit (or a bracket and a digit): timestamps, pids. */
const LEADING_STAMPS = /^\s*(?:(?:\[\d[^\]]*\]|\d\S*)\s+){0,3}/;
const BRACKETED = /^[[(<]([A-Za-z]{1,11})[\])>]/;
const WORD = /^([A-Za-z]{3,11})(:?)(?=[\s:|\]]|$)/;
const GLOG = /^([FEWI])\d{4} /;

export function detectLevel(text: string): LogLevel | undefined {
  const head = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  const first = firstNonSpace(head);
  if (first === '{') return jsonLevel(head);
  if (head.includes('=')) {
    const logfmt = LOGFMT_FIELD.exec(head);
    if (logfmt) {
      const level = WORDS[(logfmt[1] ?? logfmt[2]!).toLowerCase()];
      if (level) return level;
    }
  }
  const glog = GLOG.exec(head);
  if (glog) return LETTERS[glog[1]!];
  const rest = head.slice(LEADING_STAMPS.exec(head)![0].length);
  return leadingWord(rest);
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c !== ' ' && c !== '\t') return c;
  }
  return '';
}

function jsonLevel(head: string): LogLevel | undefined {
  const field = JSON_FIELD.exec(head);
  if (!field) return undefined;
  if (field[1] !== undefined) return WORDS[field[1].toLowerCase()];
  return numericLevel(Number(field[2]));
}

/** pino/bunyan levels are multiples of ten; 0–7 are syslog severities (0 emergency … 7 debug). */
export function numericLevel(n: number): LogLevel | undefined {
  if (n >= 10) {
    if (n >= 60) return 'fatal';
    if (n >= 50) return 'error';
    if (n >= 40) return 'warn';
    if (n >= 30) return 'info';
    if (n >= 20) return 'debug';
    return 'trace';
  }
  if (n <= 2) return 'fatal';
  if (n === 3) return 'error';
  if (n === 4) return 'warn';
  if (n <= 6) return 'info';
  return 'debug';
}

function leadingWord(rest: string): LogLevel | undefined {
  const bracketed = BRACKETED.exec(rest);
  if (bracketed) {
    const word = bracketed[1]!;
    return word.length === 1 ? LETTERS[word.toUpperCase()] : WORDS[word.toLowerCase()];
  }
  const plain = WORD.exec(rest);
  if (!plain) return undefined;
  const word = plain[1]!;
  // "Error connecting…" or "info about…" is prose, not a level: upper case, or a colon after it.
  if (word !== word.toUpperCase() && plain[2] !== ':') return undefined;
  return WORDS[word.toLowerCase()];
}
