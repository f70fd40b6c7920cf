/**
 * JSON log lines: recognised (an object or array, the whole line), and laid out as a tree of
 * text rows for the expanded view. Pure. A log line is untrusted and may be big or deep: the tree
 * is bounded (depth, children per node, rows in all, characters per value), and what is cut says
 * how much was left out. Nothing here becomes markup: each row is plain strings.
 */
import { MAX_LINE_BYTES } from '../../../protocol';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Lines longer than this are not parsed for the tree: the longest an agent sends whole (a line's
 * UTF-16 length is at most its UTF-8 size), so every JSON line it sends opens. Parsed only when opened.
 */
export const MAX_JSON_CHARS = MAX_LINE_BYTES;

/** Whether the text could be a JSON object or array: cheap, run for each line on screen. */
export function looksLikeJson(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0) return false;
  const open = text[start];
  if (open !== '{' && open !== '[') return false;
  const end = text.trimEnd();
  return end[end.length - 1] === (open === '{' ? '}' : ']');
}

/** The line's JSON object or array, or undefined when it is not one (or too long to parse). */
export function parseJsonLine(text: string): JsonValue[] | { [key: string]: JsonValue } | undefined {
  if (text.length > MAX_JSON_CHARS || !looksLikeJson(text)) return undefined;
  try {
    const value = JSON.parse(text) as JsonValue;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface JsonTreeRow {
  readonly depth: number;
  /** The property name or array index; absent at the root and on closing rows. */
  readonly key?: string;
  /** What the row shows after the key: a value, `{` / `[` (with the count), `}` / `]`, or how much was cut. */
  readonly text: string;
  readonly kind: 'string' | 'number' | 'boolean' | 'null' | 'open' | 'close' | 'cut';
}

export interface JsonTreeLimits {
  readonly maxDepth: number;
  readonly maxChildren: number;
  readonly maxRows: number;
  readonly maxValueChars: number;
}

export const DEFAULT_JSON_LIMITS: JsonTreeLimits = { maxDepth: 8, maxChildren: 100, maxRows: 400, maxValueChars: 2_000 };

const count = new Intl.NumberFormat('en');

export function jsonTreeRows(value: JsonValue, limits: JsonTreeLimits = DEFAULT_JSON_LIMITS): JsonTreeRow[] {
  const rows: JsonTreeRow[] = [];
  let full = false;
  const push = (row: JsonTreeRow): boolean => {
    if (rows.length >= limits.maxRows - 1) {
      full = true;
      return false;
    }
    rows.push(row);
    return true;
  };
  const visit = (node: JsonValue, depth: number, key: string | undefined): void => {
    if (full) return;
    const keyed = key === undefined ? {} : { key };
    if (node === null || typeof node !== 'object') {
      push({ depth, ...keyed, ...scalar(node, limits.maxValueChars) });
      return;
    }
    const entries: [string, JsonValue][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      push({ depth, ...keyed, text: `${open}${close}`, kind: 'open' });
      return;
    }
    if (depth >= limits.maxDepth) {
      push({ depth, ...keyed, text: `${open} … ${count.format(entries.length)} ${entries.length === 1 ? 'entry' : 'entries'} deeper than ${limits.maxDepth} levels ${close}`, kind: 'cut' });
      return;
    }
    if (!push({ depth, ...keyed, text: `${open} ${count.format(entries.length)}`, kind: 'open' })) return;
    for (const [childKey, child] of entries.slice(0, limits.maxChildren)) visit(child, depth + 1, childKey);
    if (full) return;
    if (entries.length > limits.maxChildren) push({ depth: depth + 1, text: `… ${count.format(entries.length - limits.maxChildren)} more`, kind: 'cut' });
    push({ depth, text: close, kind: 'close' });
  };
  visit(value, 0, undefined);
  if (full) rows.push({ depth: 0, text: `… the rest is not shown (more than ${count.format(limits.maxRows)} rows)`, kind: 'cut' });
  return rows;
}

function scalar(value: null | boolean | number | string, maxChars: number): Pick<JsonTreeRow, 'text' | 'kind'> {
  if (value === null) return { text: 'null', kind: 'null' };
  if (typeof value === 'boolean') return { text: String(value), kind: 'boolean' };
  if (typeof value === 'number') return { text: String(value), kind: 'number' };
  const quoted = JSON.stringify(value);
  return { text: quoted.length > maxChars ? `${quoted.slice(0, maxChars)}… (${count.format(quoted.length - maxChars)} more characters)` : quoted, kind: 'string' };
}
