/** Several containers' logs read as one (state/merged-logs.ts): counts, history and scroll-back over all. */
import { describe, expect, it } from 'vitest';
import type { ContainerLogs } from '../../web/src/state/logs-store';
import { mergedLogs } from '../../web/src/state/merged-logs';

const part = (overrides: Partial<ContainerLogs>): ContainerLogs => ({ rows: [], lineCount: 0, loadingHistory: false, trimmed: 0, rewrites: 0, olderStatus: 'idle', ...overrides });
const merged = { rows: [], trimmed: 4, rewrites: 2 };

describe('several containers’ logs read as one', () => {
  it('counts the lines of all, and takes the rows and their changes from the merge', () => {
    expect(mergedLogs(merged, [part({ lineCount: 3 }), part({ lineCount: 5 })])).toMatchObject({ lineCount: 8, trimmed: 4, rewrites: 2 });
  });

  it('loads history while any container’s history loads', () => {
    expect(mergedLogs(merged, [part({}), part({ loadingHistory: true })]).loadingHistory).toBe(true);
    expect(mergedLogs(merged, [part({}), part({})]).loadingHistory).toBe(false);
  });

  it.each([
    [['loading', 'exhausted'], 'loading'],
    [['idle', 'exhausted'], 'idle'],
    [['exhausted', 'exhausted'], 'exhausted'],
  ] as const)('says older lines are %j → %s: at the start of the buffer only when every container is', (statuses, expected) => {
    expect(mergedLogs(merged, statuses.map((olderStatus) => part({ olderStatus }))).olderStatus).toBe(expected);
  });
});
