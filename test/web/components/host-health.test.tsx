/**
 * A host's agent as it reports itself (agent.status, kept on the host record): a "behind …" badge
 * while its delivery lags, a "skipped …" badge once it had to skip lines; nothing while all is well.
 * Fed by the real inventory store, as the host list is.
 */
import { render } from '@solidjs/testing-library';
import { For } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { HostInfo, ReportedStatus } from '../../../protocol';
import { HostHealth } from '../../../web/src/components/HostHealth';
import { createInventoryStore } from '../../../web/src/state/inventory-store';
import { host } from '../host-fixtures';

const since = Date.parse('2026-11-25T11:00:00Z');
const status = (overrides: Partial<ReportedStatus> = {}): ReportedStatus => ({
  observedAt: since + 3_600_000,
  since,
  lagMs: 0,
  pendingLines: 0,
  skipped: {},
  ...overrides,
});

function renderHealth(first: HostInfo) {
  const inventory = createInventoryStore();
  inventory.upsert([first]);
  const result = render(() => <For each={inventory.hosts()}>{(shown) => <HostHealth host={shown} />}</For>);
  const badges = () => [...result.container.querySelectorAll('.host-badge')] as HTMLElement[];
  return { ...result, inventory, badges, texts: () => badges().map((badge) => badge.textContent) };
}

describe('HostHealth', () => {
  it('shows nothing while the agent is up to date and skipped nothing', () => {
    expect(renderHealth(host('box-1', '2026-11-25T11:00:00Z', { status: status({ lagMs: 4_999, pendingLines: 3 }) })).texts()).toEqual([]);
  });

  it('shows nothing for an agent that has not reported yet', () => {
    expect(renderHealth(host('box-1', '2026-11-25T11:00:00Z')).texts()).toEqual([]);
  });

  it('says how far behind the agent’s delivery is, and how many lines wait, once it lags 5 s or more', () => {
    const { badges, texts } = renderHealth(host('box-1', '2026-11-25T11:00:00Z', { status: status({ lagMs: 125_000, pendingLines: 4_200 }) }));

    expect(texts()).toEqual(['behind 2 min']);
    expect(badges()[0]!.title).toBe('The oldest line this agent holds undelivered is 2 min old (4,200 lines waiting)');
    expect(badges()[0]!.classList.contains('is-warn')).toBe(true);
  });

  it('does not say an offline agent is behind: its last report is old news', () => {
    expect(renderHealth(host('box-1', '2026-11-25T11:00:00Z', { online: false, status: status({ lagMs: 60_000 }) })).texts()).toEqual([]);
  });

  it('totals the lines skipped, "+" when a count was only a lower bound, with each reason in the title', () => {
    const skipped = { catch_up: { markers: 1, lines: 99_000, atLeast: true as const }, rotated: { markers: 2, lines: 40 } };
    const { badges, texts } = renderHealth(host('box-1', '2026-11-25T11:00:00Z', { status: status({ skipped }) }));

    expect(texts()).toEqual(['skipped 99,040+']);
    expect(badges()[0]!.title.split('\n')).toEqual([
      '99,000+ lines skipped while nobody watched (1 marker)',
      "40 lines lost to Docker's log rotation (2 markers)",
      'since the agent started at 2026-11-25T11:00:00.000Z; reported 2026-11-25T12:00:00.000Z',
    ]);
  });

  it('follows the host’s new reports: the lag badge comes and goes, the skips stay once there are some', () => {
    const { inventory, texts } = renderHealth(host('box-1', '2026-11-25T11:00:00Z', { status: status() }));

    inventory.applyStatus({ agentId: 'box-1', hostName: 'box-1.example', online: true, updatedAt: '2026-11-25T11:00:00Z', status: status({ lagMs: 12_000, skipped: { refused: { markers: 1, lines: 7 } } }) });
    expect(texts()).toEqual(['behind 12 s', 'skipped 7']);

    inventory.applyStatus({ agentId: 'box-1', hostName: 'box-1.example', online: true, updatedAt: '2026-11-25T11:00:00Z', status: status({ observedAt: since + 3_700_000, skipped: { refused: { markers: 1, lines: 7 } } }) });
    expect(texts()).toEqual(['skipped 7']);
  });
});
