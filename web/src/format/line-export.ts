/**
 * Lines as a text file: one line each, `ts stream text` (`ts container stream text` for lines of
 * several containers), the timestamp as Docker wrote it
 * (nanoseconds kept), the text without ANSI escapes (what the view shows). Markers (gaps,
 * restarts, notices) are not lines the container wrote and are left out. Pure.
 */
import type { LineRow, LogRow } from '../state/line-buffer';

export function linesAsText(rows: readonly LogRow[], sourceOf?: (row: LineRow) => string | undefined): string {
  const out: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'line') continue;
    const source = sourceOf?.(row);
    out.push(source === undefined ? `${row.ts} ${row.stream} ${row.plain}\n` : `${row.ts} ${source} ${row.stream} ${row.plain}\n`);
  }
  return out.join('');
}

/** `name-2026-11-25T12-00-00Z.log`: the container's name (anything but [\w.-] made `_`) and when, in UTC. */
export function exportFileName(containerName: string, at: Date): string {
  const name = containerName.replace(/^\//, '').replace(/[^\w.-]+/g, '_') || 'container';
  const when = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${name}-${when}.log`;
}
