/**
 * Filtering the loaded lines: the filter box and the level toggles drive the filter store, and the
 * lines shown are the store's compiled filter over the rows — wired here as the log panel wires
 * them (the rows kept by the compiled filter, its matcher highlighting, its error beside the box).
 */
import { fireEvent, render } from '@solidjs/testing-library';
import fc from 'fast-check';
import { For, Show } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { FilterBox } from '../../../web/src/components/FilterBox';
import { LevelFilter } from '../../../web/src/components/LevelFilter';
import { LogLine } from '../../../web/src/components/LogLine';
import { createFilterStore, type FilterStore } from '../../../web/src/state/filter-store';
import type { LogRow } from '../../../web/src/state/line-buffer';
import { filterRows } from '../../../web/src/state/line-filter';
import { regexRisk } from '../../../web/src/state/regex-risk';
import { lineRowsOf } from './rows';

const LINES = lineRowsOf(
  'INFO server listening on :8080',
  'ERROR Timeout talking to db-1',
  'WARN retrying db-1 in 2s',
  'GET /api/users 200 12ms',
  'error: timeout again (lower case)',
  '{"level":"debug","msg":"pool size 4"}',
);

function FilteredLines(props: { filter: FilterStore; rows: readonly LogRow[] }) {
  const compiled = () => props.filter.compiled();
  return (
    <>
      <FilterBox filter={props.filter} error={compiled().error} />
      <LevelFilter filter={props.filter} />
      <ol aria-label="lines">
        <For each={filterRows(props.rows, compiled())}>
          {(row) => (
            <Show when={row.kind === 'line' ? row : undefined}>
              {(line) => (
                <li>
                  <LogLine row={line()} matcher={compiled().matcher} time={undefined} expanded={false} onToggleExpanded={() => {}} />
                </li>
              )}
            </Show>
          )}
        </For>
      </ol>
    </>
  );
}

function renderFilter() {
  const filter = createFilterStore();
  const result = render(() => <FilteredLines filter={filter} rows={LINES} />);
  const input = result.getByRole('searchbox', { name: 'Filter loaded lines' }) as HTMLInputElement;
  const type = (value: string) => fireEvent.input(input, { target: { value } });
  const flag = (name: string) => result.getByRole('button', { name }) as HTMLButtonElement;
  // A line's text as shown (the JSON toggle beside it is not its text).
  const shown = () =>
    [...result.container.querySelectorAll('.log-text')].map((text) => [...text.querySelectorAll(':scope > span')].map((span) => span.textContent).join(''));
  const highlighted = () => [...result.container.querySelectorAll('.log-match')].map((match) => match.textContent);
  const alert = () => result.queryByRole('alert');
  return { ...result, filter, input, type, flag, shown, highlighted, alert };
}

describe('FilterBox', () => {
  it('shows every loaded line while the query is empty', () => {
    const { shown } = renderFilter();

    expect(shown()).toHaveLength(LINES.length);
  });

  it('keeps the lines containing the text, in any case, and highlights it', () => {
    const { type, shown, highlighted } = renderFilter();

    type('timeout');

    expect(shown()).toEqual(['ERROR Timeout talking to db-1', 'error: timeout again (lower case)']);
    expect(highlighted()).toEqual(['Timeout', 'timeout']);
  });

  it('matches case when "Aa" is on, and says so on the button', () => {
    const { type, flag, shown, filter } = renderFilter();
    type('timeout');

    fireEvent.click(flag('Match case'));

    expect(filter.caseSensitive()).toBe(true);
    expect(flag('Match case').getAttribute('aria-pressed')).toBe('true');
    expect(shown()).toEqual(['error: timeout again (lower case)']);
  });

  it('reads the query as a regular expression when ".*" is on', () => {
    const { type, flag, shown, highlighted, input } = renderFilter();
    type('db-\\d in \\d+s');
    expect(shown()).toEqual([]);

    fireEvent.click(flag('Regular expression'));

    expect(input.placeholder).toBe('Filter by regular expression');
    expect(shown()).toEqual(['WARN retrying db-1 in 2s']);
    expect(highlighted()).toEqual(['db-1 in 2s']);
  });

  it('hides the matching lines instead when "≠" is on, highlighting nothing', () => {
    const { type, flag, shown, highlighted, container } = renderFilter();
    type('db-1');

    fireEvent.click(flag('Hide matching lines'));

    expect(shown()).toEqual([
      'INFO server listening on :8080',
      'GET /api/users 200 12ms',
      'error: timeout again (lower case)',
      '{"level":"debug","msg":"pool size 4"}',
    ]);
    expect(highlighted()).toEqual([]);
    expect(container.querySelector('.filter-box')?.classList.contains('is-inverted')).toBe(true);
  });

  it('shows an invalid regular expression’s error under the box, and filters by nothing else meanwhile', () => {
    const { type, flag, shown, alert, input } = renderFilter();
    fireEvent.click(flag('Regular expression'));

    type('db-(\\d');

    expect(alert()?.textContent).toMatch(/./);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(shown()).toHaveLength(LINES.length);

    type('db-(\\d)');
    expect(alert()).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
    expect(shown()).toEqual(['ERROR Timeout talking to db-1', 'WARN retrying db-1 in 2s']);
  });

  it('never throws, whatever is typed as a regular expression: it keeps what the expression matches, or says why it cannot and keeps every line', () => {
    const { type, flag, shown, alert } = renderFilter();
    fireEvent.click(flag('Regular expression'));

    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '{', '}', '*', '+', '?', '\\', '|', '^', '$', '.', 'a', 'd', '1', ',') }), (query) => {
        expect(() => type(query)).not.toThrow();
        let expression: RegExp | undefined;
        try {
          expression = new RegExp(query, 'i');
        } catch {
          expression = undefined;
        }
        // A valid expression the static check refuses (it could hang the tab) is answered like an
        // invalid one: with its reason, every line kept.
        const risk = expression === undefined ? undefined : regexRisk(query, true);
        if (expression === undefined || risk !== undefined) {
          expect(alert()).not.toBeNull();
          if (risk !== undefined) expect(alert()?.textContent).toContain(risk);
          expect(shown()).toHaveLength(LINES.length);
        } else {
          expect(alert()).toBeNull();
          expect(shown()).toEqual(LINES.filter((line) => expression.test(line.plain)).map((line) => line.plain));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('takes the "/" key anywhere on the page to the box, but not while typing in another field', () => {
    const { input, container } = renderFilter();
    const other = document.createElement('input');
    container.append(other);

    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(input);

    other.focus();
    fireEvent.keyDown(other, { key: '/' });
    expect(document.activeElement).toBe(other);
  });

  it('clears the query on Escape and shows every line again', () => {
    const { type, input, shown, filter } = renderFilter();
    type('db-1');
    expect(shown()).toHaveLength(2);

    fireEvent.keyDown(input, { key: 'Escape' });

    expect(filter.query()).toBe('');
    expect(input.value).toBe('');
    expect(shown()).toHaveLength(LINES.length);
  });

  it('shows a query set elsewhere (a link, a shortcut) in the box', () => {
    const { filter, input, shown } = renderFilter();

    filter.setQuery('listening');

    expect(input.value).toBe('listening');
    expect(shown()).toEqual(['INFO server listening on :8080']);
  });
});

describe('LevelFilter', () => {
  it('offers one toggle per level and one for lines without a level, all on at first', () => {
    const { getByRole } = renderFilter();

    const chips = [...getByRole('group', { name: 'Levels' }).querySelectorAll('button')];
    expect(chips.map((chip) => chip.textContent)).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'other']);
    expect(chips.every((chip) => chip.getAttribute('aria-pressed') === 'true')).toBe(true);
  });

  it('hides the lines of a level switched off, and shows them again when switched back on', () => {
    const { getByRole, shown } = renderFilter();
    const error = getByRole('button', { name: 'error' });

    fireEvent.click(error);

    expect(error.getAttribute('aria-pressed')).toBe('false');
    expect(error.getAttribute('title')).toBe('Show error lines');
    expect(shown()).not.toContain('ERROR Timeout talking to db-1');
    expect(shown()).not.toContain('error: timeout again (lower case)');
    expect(shown()).toHaveLength(LINES.length - 2);

    fireEvent.click(error);
    expect(shown()).toHaveLength(LINES.length);
  });

  it('hides the lines no level was read from with "other", JSON levels read as any other', () => {
    const { getByRole, shown } = renderFilter();

    fireEvent.click(getByRole('button', { name: 'other' }));
    fireEvent.click(getByRole('button', { name: 'debug' }));

    expect(shown()).toEqual(['INFO server listening on :8080', 'ERROR Timeout talking to db-1', 'WARN retrying db-1 in 2s', 'error: timeout again (lower case)']);
  });

  it('combines with the text filter: both must keep a line', () => {
    const { getByRole, type, shown } = renderFilter();
    type('db-1');

    fireEvent.click(getByRole('button', { name: 'warn' }));

    expect(shown()).toEqual(['ERROR Timeout talking to db-1']);
  });
});
