import { describe, expect, it } from 'vitest';
import type { ReportedStatus } from '../../protocol';
import { durationText, lagLabel, skipSummary } from '../../web/src/format/agent-status';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const status = (overrides: Partial<ReportedStatus> = {}): ReportedStatus => ({ observedAt: T0, since: T0 - 60_000, lagMs: 0, pendingLines: 0, skipped: {}, ...overrides });

describe('a host\'s agent status in words', () => {
  it.each([
    [4_999, undefined],
    [5_000, 'behind 5 s'],
    [90_000, 'behind 1 min'],
    [7_500_000, 'behind 2 h 5 min'],
  ])('shows a lag of %i ms as %s', (lagMs, label) => {
    expect(lagLabel(status({ lagMs }))).toBe(label);
  });

  it('sums the skipped lines, "+" for a lower bound, with each reason in the title', () => {
    const summary = skipSummary(status({ skipped: { catch_up: { markers: 1, lines: 99_000, atLeast: true }, refused: { markers: 2, lines: 40 } } }));

    expect(summary?.text).toBe('skipped 99,040+');
    expect(summary?.title.split('\n')).toEqual([
      '99,000+ lines skipped while nobody watched (1 marker)',
      '40 lines refused by the cloud (2 markers)',
      'since the agent started at 2026-12-01T11:59:00.000Z; reported 2026-12-01T12:00:00.000Z',
    ]);
  });

  it('says nothing when nothing was skipped', () => {
    expect(skipSummary(status())).toBeUndefined();
  });

  it('writes durations as a person would', () => {
    expect([durationText(400), durationText(59_400), durationText(3_600_000)]).toEqual(['0 s', '59 s', '1 h']);
  });
});
