/**
 * The lines in view over time, one bar per span stacked by level: a bar with lines is a button
 * that jumps to its earliest line. Counted from the rows the real line buffer holds.
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LineHistogram } from '../../../web/src/components/LineHistogram';
import { createLogTimeFormat } from '../../../web/src/format/log-time';
import { LineBuffer } from '../../../web/src/state/line-buffer';
import { compileFilter, type CompiledFilter } from '../../../web/src/state/line-filter';
import { createRowFilter } from '../../../web/src/state/row-filter';
import { logLine } from './rows';

const unfiltered = compileFilter({ query: '', stream: 'all' });
const utc = createLogTimeFormat({ timeZone: 'UTC', now: () => new Date('2026-11-25T12:00:00Z') });

describe('LineHistogram', () => {
  let buffer: LineBuffer;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    buffer = new LineBuffer();
    buffer.addLive([
      logLine(1, 'INFO up', { ts: '2026-11-25T12:00:00.200Z' }),
      logLine(2, 'ERROR down', { ts: '2026-11-25T12:00:00.000000001Z' }),
      logLine(3, 'WARN slow', { ts: '2026-11-25T12:01:00Z' }),
      logLine(4, 'plain', { ts: '2026-11-25T12:02:00Z' }),
    ]);
  });

  afterEach(() => vi.useRealTimers());

  function renderHistogram() {
    // The rows in view as the reader's view has them: through the row filter.
    const rowFilter = createRowFilter();
    const [shown, setShown] = createSignal(rowFilter(buffer, unfiltered));
    const [filter, setFilter] = createSignal<unknown>(undefined);
    const onJump = vi.fn<(ts: string) => void>();
    const result = render(() => <LineHistogram rows={shown().rows} rewrites={shown().rewrites} time={utc} filter={filter()} onJump={onJump} />);
    const bars = () => result.queryAllByRole('button');
    const labels = () => bars().map((bar) => bar.getAttribute('aria-label'));
    const showRows = (through: CompiledFilter) => setShown(rowFilter(buffer, through));
    return { ...result, onJump, bars, labels, showRows, setFilter };
  }

  it('makes a button of each span with lines, saying when it starts and how many lines it holds', () => {
    const { labels, container } = renderHistogram();

    expect(labels()).toEqual(['Jump to 12:00:00.000: 2 lines', 'Jump to 12:01:00.000: 1 line', 'Jump to 12:02:00.000: 1 line']);
    expect(container.querySelectorAll('.histogram-bucket')).toHaveLength(120);
    expect([...container.querySelectorAll('.histogram-edge')].map((edge) => edge.textContent)).toEqual(['12:00:00.000', '12:02:00.000']);
  });

  it('jumps to the earliest line of a bar clicked — to the nanosecond — or chosen with Enter', () => {
    const { bars, onJump } = renderHistogram();

    fireEvent.click(bars()[0]!);
    fireEvent.keyDown(bars()[2]!, { key: 'Enter' });

    expect(onJump.mock.calls).toEqual([['2026-11-25T12:00:00.000000001Z'], ['2026-11-25T12:02:00Z']]);
  });

  it('stacks a bar by level: errors, warnings, info, debug and the rest, each as tall as its share', () => {
    const { bars } = renderHistogram();

    const heights = (bar: Element) =>
      Object.fromEntries([...bar.querySelectorAll('.histogram-bar')].map((rect) => [rect.getAttribute('class')!.replace('histogram-bar band-', ''), Number(rect.getAttribute('height'))]));
    expect(heights(bars()[0]!)).toEqual({ error: 20, warn: 0, info: 20, debug: 0, other: 0 });
    expect(heights(bars()[1]!)).toEqual({ error: 0, warn: 20, info: 0, debug: 0, other: 0 });
    expect(heights(bars()[2]!)).toEqual({ error: 0, warn: 0, info: 0, debug: 0, other: 20 });
  });

  it('shows nothing while no line is in view', () => {
    buffer = new LineBuffer();
    const { container } = renderHistogram();

    expect(container.querySelector('.line-histogram')).toBeNull();
  });

  it('counts lines streaming in a moment later, not on every one, and a new filter’s at once', () => {
    const { labels, showRows, setFilter } = renderHistogram();

    buffer.addLive([logLine(5, 'ERROR again', { ts: '2026-11-25T12:02:00Z' })]);
    showRows(unfiltered);
    expect(labels().at(-1)).toBe('Jump to 12:02:00.000: 1 line');
    vi.advanceTimersByTime(250);
    expect(labels().at(-1)).toBe('Jump to 12:02:00.000: 2 lines');

    // The reader filters: the rows in view are the matching ones.
    const errors = compileFilter({ query: 'error', stream: 'all' });
    showRows(errors);
    setFilter(errors);
    expect(labels()).toEqual(['Jump to 12:00:00.000: 1 line', 'Jump to 12:02:00.000: 1 line']);
  });
});
