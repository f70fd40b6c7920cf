/**
 * Several containers' logs as one view of the same shape as one container's (ContainerLogs), so
 * everything that reads one — filters, follow, histogram, download — reads the merged view alike:
 * the rows merged by time (merged-rows.ts), the lines counted over all, history loading while
 * any container's is, and older lines loading while any container's are (at the start of the
 * buffer only when every container is). Pure.
 */
import type { ContainerLogs, OlderStatus } from './logs-store';
import type { MergedRows } from './merged-rows';

export function mergedLogs(merged: MergedRows, parts: readonly ContainerLogs[]): ContainerLogs {
  let lineCount = 0;
  let loadingHistory = false;
  let loadingOlder = false;
  let exhausted = parts.length > 0;
  for (const part of parts) {
    lineCount += part.lineCount;
    loadingHistory ||= part.loadingHistory;
    loadingOlder ||= part.olderStatus === 'loading';
    exhausted &&= part.olderStatus === 'exhausted';
  }
  const olderStatus: OlderStatus = loadingOlder ? 'loading' : exhausted ? 'exhausted' : 'idle';
  return { rows: merged.rows, trimmed: merged.trimmed, rewrites: merged.rewrites, lineCount, loadingHistory, olderStatus };
}
