/**
 * One log line on screen. Its text is untrusted: colours become styled spans of text, and nothing
 * in it — markup, script, terminal escapes — becomes an element, a link or an attribute.
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { LogLine } from '../../../web/src/components/LogLine';
import { createLogTimeFormat } from '../../../web/src/format/log-time';
import { createExpandedStore } from '../../../web/src/state/expanded-store';
import { compileFilter, type TextMatcher } from '../../../web/src/state/line-filter';
import type { LineRow } from '../../../web/src/state/line-buffer';
import { lineRowOf, TS } from './rows';

const utc = createLogTimeFormat({ timeZone: 'UTC', now: () => new Date(TS) });

function renderLine(row: LineRow, options: { matcher?: TextMatcher; time?: typeof utc; onCopy?: () => void; onLink?: () => void } = {}) {
  const expanded = createExpandedStore();
  const result = render(() => (
    <LogLine
      row={row}
      matcher={options.matcher}
      time={options.time}
      expanded={expanded.isExpanded(row.key)}
      onToggleExpanded={() => expanded.toggle(row.key)}
      {...(options.onCopy && { onCopy: options.onCopy })}
      {...(options.onLink && { onLink: options.onLink })}
    />
  ));
  const text = () => result.container.querySelector('.log-text') as HTMLElement;
  return { ...result, expanded, text };
}

/** The spans the line's text became: each holds text only. */
function textSpans(text: HTMLElement): HTMLElement[] {
  return [...text.children].filter((child): child is HTMLElement => !child.matches('.json-toggle, .log-truncated'));
}

/** Every element the line rendered; a log line's own text adds none but spans of text. */
function elementsOf(root: Element): string[] {
  return [...root.querySelectorAll('*')].map((element) => element.tagName.toLowerCase());
}

describe('LogLine', () => {
  it('shows the text of a plain line as it is', () => {
    const { text } = renderLine(lineRowOf('GET /health 200 3ms'));

    expect(text().textContent).toBe('GET /health 200 3ms');
  });

  it('renders ANSI colours as styled spans of text, without the escapes', () => {
    const { text } = renderLine(lineRowOf('\x1b[1;31mfailed\x1b[0m after \x1b[38;2;10;20;30m3 tries\x1b[0m'));

    const spans = textSpans(text());
    expect(spans.map((span) => span.textContent)).toEqual(['failed', ' after ', '3 tries']);
    expect(spans[0]!.classList.contains('ansi-fg-1')).toBe(true);
    expect(spans[0]!.classList.contains('ansi-bold')).toBe(true);
    expect(spans[1]!.className).toBe('');
    expect(spans[2]!.style.color).toBe('rgb(10, 20, 30)');
    expect(text().textContent).not.toContain('\x1b');
  });

  it.each([
    ['markup', '<img src=x onerror="alert(1)"><b>bold</b>'],
    ['a script', '<script>window.pwned = true</script>'],
    ['markup split by colours', '<scr\x1b[31mipt>alert(1)</scr\x1b[0mipt>'],
    ['an iframe and a link', '<iframe src="javascript:alert(1)"></iframe><a href="https://evil.example">x</a>'],
  ])('renders %s as the text it is, creating no element from it', (_, hostile) => {
    const { container, text } = renderLine(lineRowOf(hostile));

    expect(text().textContent).toBe(hostile.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(elementsOf(text())).toEqual(elementsOf(text()).map(() => 'span'));
    expect(container.querySelector('script, img, b, iframe, a')).toBeNull();
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it('drops OSC sequences — a window title, a hyperlink — and keeps only their visible text', () => {
    const hostile = '\x1b]0;owned title\x07before \x1b]8;;javascript:alert(1)\x1b\\click me\x1b]8;;\x1b\\ after';
    const { container, text } = renderLine(lineRowOf(hostile));

    expect(text().textContent).toBe('before click me after');
    expect(container.querySelector('a')).toBeNull();
    expect(container.innerHTML).not.toContain('javascript:');
    expect(document.title).not.toContain('owned');
  });

  it('drops cursor moves and screen erases instead of printing them', () => {
    const { text } = renderLine(lineRowOf('\x1b[2J\x1b[Hprogress\x1b[K 50%\x1b[1A'));

    expect(text().textContent).toBe('progress 50%');
  });

  it('highlights what the filter matched, keeping the colours of the text it runs across', () => {
    const matcher = compileFilter({ query: 'time', stream: 'all' }).matcher;
    const { text } = renderLine(lineRowOf('request \x1b[33mtimed\x1b[0m out, TIMEOUT 30s'), { matcher });

    const marked = [...text().querySelectorAll('.log-match')];
    expect(marked.map((span) => span.textContent)).toEqual(['time', 'TIME']);
    expect(marked[0]!.classList.contains('ansi-fg-3')).toBe(true);
    expect(text().textContent).toBe('request timed out, TIMEOUT 30s');
  });

  it('highlights the matches of a line that also holds a character whose lower case is longer (İ)', () => {
    const matcher = compileFilter({ query: 'timeout', stream: 'all' }).matcher;
    const { text } = renderLine(lineRowOf('WARN İzmir-1 Timeout after 30s, timeout again'), { matcher });

    expect([...text().querySelectorAll('.log-match')].map((span) => span.textContent)).toEqual(['Timeout', 'timeout']);
    expect(text().textContent).toBe('WARN İzmir-1 Timeout after 30s, timeout again');
  });

  it('highlights every match of a regular expression, and none when the filter is inverted', () => {
    const row = lineRowOf('id=17 took 250ms, id=18 took 3ms');
    const regex = renderLine(row, { matcher: compileFilter({ query: '\\d+ms', stream: 'all', regex: true }).matcher });
    expect([...regex.text().querySelectorAll('.log-match')].map((span) => span.textContent)).toEqual(['250ms', '3ms']);

    const inverted = renderLine(row, { matcher: compileFilter({ query: 'took', stream: 'all', invert: true }).matcher });
    expect(inverted.text().querySelectorAll('.log-match')).toHaveLength(0);
  });

  it('shows its time when a format is given, with the full timestamp in the element, and no time when hidden', () => {
    const shown = renderLine(lineRowOf('ready'), { time: utc });
    const time = shown.container.querySelector('time');
    expect(time?.textContent).toBe('12:00:01.123');
    expect(time?.getAttribute('datetime')).toBe(TS);

    const hidden = renderLine(lineRowOf('ready'));
    expect(hidden.container.querySelector('time')).toBeNull();
  });

  it('marks stderr lines and the line’s level on the row', () => {
    const { container } = renderLine(lineRowOf('ERROR no route to host', { stream: 'stderr' }));

    const line = container.querySelector('.log-line')!;
    expect(line.classList.contains('is-stderr')).toBe(true);
    expect(line.classList.contains('level-error')).toBe(true);
    expect(line.querySelector('.level-tag')?.textContent).toBe('ERR');
  });

  it('says a cut line was cut, and how long the whole line was', () => {
    const { container } = renderLine(lineRowOf('x'.repeat(100), { truncated: true, originalBytes: 1_048_576 }));

    expect(container.querySelector('.log-truncated')?.textContent).toBe('truncated · 1 MB line');
  });

  it('shows a JSON line compact, on one row, and opens it into a tree and closes it again', () => {
    const json = '{"level":"info","msg":"<b>hi</b>","user":{"id":7,"roles":["admin"]}}';
    const { container, text, expanded } = renderLine(lineRowOf(json));

    const toggle = container.querySelector('button.json-toggle') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(textSpans(text()).map((span) => span.textContent).join('')).toBe(json);
    expect(container.querySelector('[role=tree]')).toBeNull();

    fireEvent.click(toggle);
    expect(expanded.isExpanded('line:1')).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(container.querySelector('[role=tree]')).not.toBeNull();
    expect(container.querySelector('b')).toBeNull();

    fireEvent.click(toggle);
    expect(container.querySelector('[role=tree]')).toBeNull();
  });

  it('follows its row when the view hands it another (a restart numbers lines from 1 again, under the same keys)', () => {
    const [row, setRow] = createSignal(lineRowOf('ERROR disk full', { stream: 'stderr' }));
    const { container } = render(() => <LogLine row={row()} matcher={undefined} time={undefined} expanded={false} onToggleExpanded={() => {}} />);

    setRow(lineRowOf('{"level":"info","msg":"up"}'));

    const line = container.querySelector('.log-line')!;
    expect([...line.classList]).toEqual(['log-line', 'level-info']);
    expect(line.querySelector('.level-tag')?.textContent).toBe('INF');
    expect(line.querySelector('.json-toggle')).not.toBeNull();
    expect(line.querySelector('.log-text')?.textContent).toBe('▸{"level":"info","msg":"up"}');
  });

  it('offers no tree for a line that is not JSON', () => {
    const { container } = renderLine(lineRowOf('{not json, just braces'));

    expect(container.querySelector('.json-toggle')).toBeNull();
  });

  it('offers to copy the line and to link to it only where the view gives those actions', () => {
    const onCopy = vi.fn();
    const onLink = vi.fn();
    const withActions = renderLine(lineRowOf('ready'), { onCopy, onLink });
    fireEvent.click(withActions.getByRole('button', { name: 'Copy line' }));
    fireEvent.click(withActions.getByRole('button', { name: 'Link to this line' }));
    expect(onCopy).toHaveBeenCalledTimes(1);
    expect(onLink).toHaveBeenCalledTimes(1);

    const without = renderLine(lineRowOf('ready'));
    expect(without.container.querySelectorAll('.row-action')).toHaveLength(0);
  });
});
