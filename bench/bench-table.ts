/**
 * The one output format of `npm run bench`: every figure next to its same-run baseline and the
 * ratio between them. Absolute numbers depend on the machine; the ratios are what to compare
 * across commits.
 */
export interface BenchRow {
  readonly bench: string;
  readonly measure: string;
  readonly subject: number;
  readonly baseline: number;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['bench', 'measure', 'subject', 'baseline', 'ratio'];
  const cells = rows.map((row) => [row.bench, row.measure, figure(row.subject), figure(row.baseline), ratio(row)]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  // Text columns left-aligned, figures right-aligned, so that magnitudes line up.
  const line = (values: string[]) => values.map((value, i) => (i < 2 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** A zero baseline (no measurable growth, say) has no meaningful ratio. */
function ratio(row: BenchRow): string {
  return row.baseline === 0 ? '-' : (row.subject / row.baseline).toFixed(3);
}

/** Three significant digits at most: finer digits are noise in a benchmark. */
function figure(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}
