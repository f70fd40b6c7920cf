/**
 * Markers among the lines, rendered from the rows the line buffer makes: lines the agent skipped,
 * lines missing (being fetched, or gone), the numbering starting over, the connection coming back
 * and the container changing state. Each says what happened in words, as text only.
 */
import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import type { SkippedLines } from '../../../protocol';
import { GapMarker } from '../../../web/src/components/GapMarker';
import { NoticeMarker } from '../../../web/src/components/NoticeMarker';
import { RestartMarker } from '../../../web/src/components/RestartMarker';
import { SkipMarker } from '../../../web/src/components/SkipMarker';
import { createLogTimeFormat } from '../../../web/src/format/log-time';
import { LineBuffer, type GapRow, type LogRow, type NoticeRow, type RestartRow, type SkipRow } from '../../../web/src/state/line-buffer';
import { logLine, TS } from './rows';

const utc = createLogTimeFormat({ timeZone: 'UTC', now: () => new Date(TS) });

function rowOf<K extends LogRow['kind']>(rows: readonly LogRow[], kind: K): Extract<LogRow, { kind: K }> {
  const row = rows.find((r) => r.kind === kind);
  if (!row) throw new Error(`no ${kind} row among ${rows.map((r) => r.kind).join(', ')}`);
  return row as Extract<LogRow, { kind: K }>;
}

function skipRow(skipped: SkippedLines, text = 'skipped'): SkipRow {
  const buffer = new LineBuffer();
  buffer.addLive([logLine(1, 'before'), logLine(2, text, { skipped }), logLine(3, 'after')]);
  return rowOf(buffer.rows, 'skipped');
}

describe('SkipMarker', () => {
  const span = { from: '2026-11-25T10:00:01.123456789Z', to: '2026-11-25T12:00:00.999Z' };

  it('says how many lines were skipped, why, and between which times', () => {
    const { getByRole } = render(() => <SkipMarker row={skipRow({ reason: 'catch_up', lines: 99_064, ...span })} time={utc} />);

    const marker = getByRole('separator');
    expect(marker.textContent).toBe('99,064 lines skipped while nobody watched (10:00:01.123 – 12:00:00.999)');
    expect(marker.getAttribute('title')).toContain('seq 2');
    expect(marker.classList.contains('skip-catch_up')).toBe(true);
  });

  it.each([
    [{ reason: 'rotated' } as const, "Lines lost: Docker's log rotation removed them before they were read"],
    [{ reason: 'refused', lines: 1 } as const, '1 line refused by the cloud'],
    [{ reason: 'catch_up', lines: 500, atLeast: true } as const, 'At least 500 lines skipped while nobody watched'],
    [{ reason: 'catch_up', lines: 0, atLeast: true } as const, 'Lines may have been skipped while nobody watched (not counted in time)'],
  ])('words a %j marker as "%s"', (skipped, summary) => {
    const { getByRole } = render(() => <SkipMarker row={skipRow({ ...skipped, ...span })} time={utc} />);

    expect(getByRole('separator').textContent).toBe(`${summary} (10:00:01.123 – 12:00:00.999)`);
  });

  it('is worded from the marker’s fields, never from its text, which stays text', () => {
    const { getByRole, container } = render(() => (
      <SkipMarker row={skipRow({ reason: 'refused', lines: 2, ...span }, '<img src=x onerror=alert(1)> 9 lines skipped')} time={utc} />
    ));

    expect(getByRole('separator').textContent).toMatch(/^2 lines refused by the cloud/);
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('GapMarker', () => {
  function gapBuffer() {
    const buffer = new LineBuffer();
    buffer.addLive([logLine(1, 'one'), logLine(2, 'two'), logLine(6, 'six')]);
    return buffer;
  }

  it('says how many lines are missing while they are fetched from the cloud', () => {
    const { getByRole } = render(() => <GapMarker row={rowOf(gapBuffer().rows, 'gap')} />);

    const marker = getByRole('separator');
    expect(marker.textContent).toBe('3 lines missing here, fetching…');
    expect(marker.getAttribute('title')).toBe('seq 3–5');
    expect(marker.classList.contains('fetching')).toBe(true);
  });

  it('says the lines are no longer in the cloud’s buffer once the fetch came back without them', () => {
    const buffer = gapBuffer();
    buffer.fillGap(2, 5, [logLine(3, 'three'), logLine(5, 'five')], true);
    const gap: GapRow = rowOf(buffer.rows, 'gap');

    const { getByRole } = render(() => <GapMarker row={gap} />);

    expect(getByRole('separator').textContent).toBe('1 line missing here, no longer in the cloud buffer');
    expect(getByRole('separator').classList.contains('fetching')).toBe(false);
  });
});

describe('RestartMarker', () => {
  function restartRow(reason: RestartRow['reason']): RestartRow {
    const buffer = new LineBuffer();
    buffer.addLive([logLine(1, 'old numbering')], 1);
    buffer.restart(2, reason);
    return rowOf(buffer.rows, 'restart');
  }

  it('says the log was reset when the cloud’s buffer started over, and that the lines before were dropped', () => {
    const { getByRole } = render(() => <RestartMarker reason={restartRow('reset').reason} />);

    expect(getByRole('separator').textContent).toBe("the log was reset here: the cloud's buffer started over, so the lines shown before were dropped");
  });

  it('says the log restarted when lines of a new stream arrived', () => {
    const { getByRole } = render(() => <RestartMarker reason={restartRow('epoch').reason} />);

    expect(getByRole('separator').textContent).toBe('the log restarted here: earlier lines were dropped');
  });
});

describe('NoticeMarker', () => {
  const at = Date.parse('2026-11-25T12:00:05.250Z');
  function noticeRow(notice: Omit<NoticeRow, 'kind' | 'key'>): NoticeRow {
    const buffer = new LineBuffer();
    buffer.addLive([logLine(1, 'a line')]);
    buffer.addNotice(notice);
    return rowOf(buffer.rows, 'notice');
  }

  it('says when the dashboard reconnected, and that the lines missed meanwhile follow', () => {
    const { getByRole } = render(() => <NoticeMarker row={noticeRow({ notice: 'reconnected', at })} time={utc} />);

    expect(getByRole('separator').textContent).toBe("reconnected at 12:00:05.250 — lines missed meanwhile follow from the cloud's buffer");
  });

  it.each([
    ['running', 'Up 1 second', 'container started at 12:00:05.250'],
    ['exited', 'Exited (137) 2 seconds ago', 'container stopped at 12:00:05.250 · exited (137)'],
    ['running', 'Up 3 seconds (health: starting)', 'container started at 12:00:05.250 · running · health: starting'],
    ['restarting', 'Restarting (1) 1 second ago', 'container restarting at 12:00:05.250'],
    ['dead', '', 'container died at 12:00:05.250'],
  ])('says a container now %s (%j) as "%s"', (state, status, text) => {
    const { getByRole } = render(() => <NoticeMarker row={noticeRow({ notice: 'container', at, state, status })} time={utc} />);

    const marker = getByRole('separator');
    expect(marker.textContent).toBe(text);
    expect(marker.classList.contains(`notice-state-${state}`)).toBe(true);
  });

  it('shows a state it has no words for as it came, as text', () => {
    const { getByRole, container } = render(() => <NoticeMarker row={noticeRow({ notice: 'container', at, state: '<b>odd</b>', status: '' })} time={utc} />);

    expect(getByRole('separator').textContent).toBe('container <b>odd</b> at 12:00:05.250');
    expect(container.querySelector('b')).toBeNull();
  });

  it('says the container changed state when the change names no state', () => {
    const { getByRole } = render(() => <NoticeMarker row={noticeRow({ notice: 'container', at, state: '', status: '' })} time={utc} />);

    expect(getByRole('separator').textContent).toBe('container changed state at 12:00:05.250');
  });
});
