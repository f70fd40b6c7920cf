/**
 * A line's size as JSON, and cutting a line so that it fits a size.
 *
 * The batcher sizes its batches by these sizes (scaled by the compression it learned). MAX_LINE_BYTES
 * bounds a line's UTF-8 text, but JSON escaping can inflate it up to six times (`\u0000` for each
 * control byte), and such text compresses poorly: the rare line whose compressed body would not fit
 * even in parts is cut further, flagged `truncated` with its original size.
 */
import { byteLength, type LogLine } from '../../protocol';

/** Strings JSON writes as they are, one byte per character: printable ASCII but `"` and `\`. */
const VERBATIM_IN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** `{"seq":` `,"ts":"` `","stream":"` `","text":"` `"}` */
const LINE_FRAME_BYTES = 7 + 7 + 12 + 10 + 2;
/** `,"truncated":true` */
const TRUNCATED_BYTES = 17;
/** `,"originalBytes":` */
const ORIGINAL_BYTES_BYTES = 17;

/**
 * The UTF-8 size of `JSON.stringify(line)`, counted without building it when no string needs
 * escaping (most lines). Runs for every line: the checks are ordered cheapest first. A skip
 * marker's `skipped` (rare) is measured by serializing.
 */
export function serializedLineBytes(line: LogLine): number {
  if (
    line.skipped === undefined &&
    Number.isSafeInteger(line.seq) &&
    (line.originalBytes === undefined || Number.isSafeInteger(line.originalBytes)) &&
    line.seq >= 0 &&
    (line.stream === 'stdout' || line.stream === 'stderr') &&
    VERBATIM_IN_JSON.test(line.ts) &&
    VERBATIM_IN_JSON.test(line.text)
  ) {
    return (
      LINE_FRAME_BYTES + decimalDigits(line.seq) + line.ts.length + line.stream.length + line.text.length +
      (line.truncated ? TRUNCATED_BYTES : 0) +
      (line.originalBytes !== undefined ? ORIGINAL_BYTES_BYTES + decimalDigits(line.originalBytes) : 0)
    );
  }
  return byteLength(JSON.stringify(line));
}

/** `String(n).length` for a safe non-negative integer, without making the string. */
function decimalDigits(n: number): number {
  let digits = 1;
  for (let bound = 10; n >= bound && digits < 16; bound *= 10) digits += 1;
  return digits;
}

/** A line as it will travel, with its serialized size (measured once, here). */
export interface FittedLine {
  readonly line: LogLine;
  readonly bytes: number;
}

/**
 * The line itself when it serializes to at most `maxBytes`; otherwise the longest prefix of its
 * text that does, flagged `truncated` with the whole line's UTF-8 size (`originalBytes`).
 */
export function fitLine(line: LogLine, maxBytes: number): FittedLine {
  const bytes = serializedLineBytes(line);
  if (bytes <= maxBytes) return { line, bytes };
  const originalBytes = line.originalBytes ?? byteLength(line.text);
  const cut = (length: number): LogLine => ({ ...line, text: line.text.slice(0, length), truncated: true, originalBytes });
  // Serialized size grows with the prefix length, so the longest fitting prefix is found by bisection.
  let low = 0;
  let high = line.text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (serializedLineBytes(cut(mid)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  // Never end on the first half of a surrogate pair: that would serialize as a lone `\udXXX`.
  const code = line.text.charCodeAt(low - 1);
  if (low > 0 && code >= 0xd800 && code <= 0xdbff) low -= 1;
  const fitted = cut(low);
  return { line: fitted, bytes: serializedLineBytes(fitted) };
}
