/** Rows as the dashboard holds them: lines through the real line buffer, which reads their level, plain text and markers. */
import type { LogLine } from '../../../protocol';
import { LineBuffer, type LineRow, type LogRow } from '../../../web/src/state/line-buffer';

export const TS = '2026-11-25T12:00:01.123456789Z';

/** A line as the agent sends it; `seq` from 1, the same timestamp unless given. */
export const logLine = (seq: number, text: string, extra: Partial<LogLine> = {}): LogLine => ({ seq, ts: TS, stream: 'stdout', text, ...extra });

/** The rows a buffer holds after these lines arrived live, oldest first. */
export function rowsOf(lines: readonly LogLine[]): readonly LogRow[] {
  const buffer = new LineBuffer();
  buffer.addLive(lines);
  return buffer.rows;
}

/** The line rows of these texts, numbered from 1. */
export function lineRowsOf(...texts: string[]): LineRow[] {
  return rowsOf(texts.map((text, i) => logLine(i + 1, text))).filter((row): row is LineRow => row.kind === 'line');
}

/** The one line row of this text. */
export function lineRowOf(text: string, extra: Partial<LogLine> = {}): LineRow {
  const row = rowsOf([logLine(1, text, extra)])[0];
  if (row?.kind !== 'line') throw new Error(`expected a line row, got ${row?.kind}`);
  return row;
}
