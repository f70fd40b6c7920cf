/** Both streams, or only stdout or stderr: the choice is the filter store's, and the lines shown follow it. */
import { fireEvent, render } from '@solidjs/testing-library';
import { For } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { StreamToggle } from '../../../web/src/components/StreamToggle';
import { createFilterStore } from '../../../web/src/state/filter-store';
import { filterRows } from '../../../web/src/state/line-filter';
import { rowsOf, logLine } from './rows';

const ROWS = rowsOf([logLine(1, 'listening'), logLine(2, 'panic: nil map', { stream: 'stderr' }), logLine(3, 'GET / 200')]);

function renderToggle() {
  const filter = createFilterStore();
  const result = render(() => (
    <>
      <StreamToggle stream={filter.stream()} onStreamChange={filter.setStream} />
      <For each={filterRows(ROWS, filter.compiled())}>{(row) => <p>{row.kind === 'line' ? row.plain : row.kind}</p>}</For>
    </>
  ));
  const checked = () => result.getAllByRole('radio').filter((radio) => radio.getAttribute('aria-checked') === 'true').map((radio) => radio.textContent);
  const shown = () => [...result.container.querySelectorAll('p')].map((p) => p.textContent);
  return { ...result, filter, checked, shown };
}

describe('StreamToggle', () => {
  it('shows both streams at first', () => {
    const { checked, shown } = renderToggle();

    expect(checked()).toEqual(['All']);
    expect(shown()).toEqual(['listening', 'panic: nil map', 'GET / 200']);
  });

  it.each([
    ['stderr', ['panic: nil map']],
    ['stdout', ['listening', 'GET / 200']],
  ])('shows only %s when chosen, one choice at a time', (stream, lines) => {
    const { getByRole, checked, shown, filter } = renderToggle();

    fireEvent.click(getByRole('radio', { name: stream }));

    expect(filter.stream()).toBe(stream);
    expect(checked()).toEqual([stream]);
    expect(shown()).toEqual(lines);
  });

  it('moves between the streams with the arrow keys, as a radio group does', () => {
    const { getByRole, checked, filter } = renderToggle();

    fireEvent.keyDown(getByRole('radio', { name: 'All' }), { key: 'ArrowRight' });
    expect(checked()).toEqual(['stdout']);
    fireEvent.keyDown(getByRole('radio', { name: 'stdout' }), { key: 'ArrowUp' });
    expect(filter.stream()).toBe('all');
  });

  it('shows both again on "All"', () => {
    const { getByRole, shown } = renderToggle();
    fireEvent.click(getByRole('radio', { name: 'stderr' }));

    fireEvent.click(getByRole('radio', { name: 'All' }));

    expect(shown()).toHaveLength(3);
  });
});
