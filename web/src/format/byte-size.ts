/** A byte count as people read it: "812 B", "16 KB", "1.2 MB" (1024-based, as the agent's limits are). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && !Number.isInteger(value) ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** What a cut line's badge says: how long the whole line was, when the agent knew. */
export function truncatedText(originalBytes: number | undefined): { label: string; title: string } {
  if (originalBytes === undefined) return { label: 'truncated', title: 'The line was longer than the agent keeps (--max-line-bytes) and was cut.' };
  return {
    label: `truncated · ${formatBytes(originalBytes)} line`,
    title: `The line was ${originalBytes.toLocaleString('en')} bytes; the agent keeps at most its --max-line-bytes (256 KB unless set lower) and cut the rest.`,
  };
}
