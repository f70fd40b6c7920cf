/**
 * A line's size as it travels inside a batch, and cutting a line so that it fits.
 *
 * MAX_LINE_BYTES bounds a line's UTF-8 text, but JSON escaping can inflate it up to six times
 * (`\u0000` for each control byte), so the batcher measures the serialized line and, for the
 * rare line that alone would overflow a batch, cuts the text further and flags it `truncated`.
 */
import { byteLength, type LogLine } from '../../protocol';

export function serializedLineBytes(line: LogLine): number {
  return byteLength(JSON.stringify(line));
}

/** The line itself when it serializes to at most `maxBytes`; otherwise the longest prefix of its text that does. */
export function fitLine(line: LogLine, maxBytes: number): LogLine {
  if (serializedLineBytes(line) <= maxBytes) return line;
  const cut = (length: number): LogLine => ({ ...line, text: line.text.slice(0, length), truncated: true });
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
  return cut(low);
}
