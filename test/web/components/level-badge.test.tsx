/** A line's level as the reader sees it: read by the buffer from the line's shape, shown as a short tag. */
import { render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { LevelBadge } from '../../../web/src/components/LevelBadge';
import { lineRowOf } from './rows';

describe('LevelBadge', () => {
  it.each([
    ['ERROR connection refused', 'ERR', 'error'],
    ['2026-11-25T12:00:01Z WARN disk almost full', 'WRN', 'warn'],
    ['[info] listening on :8080', 'INF', 'info'],
    ['{"level":"debug","msg":"cache miss"}', 'DBG', 'debug'],
    ['{"severity":"CRITICAL","message":"down"}', 'FTL', 'fatal'],
    ['{"level":50,"msg":"pino error"}', 'ERR', 'error'],
    ['ts=12:00 level=trace msg="tick"', 'TRC', 'trace'],
  ])('tags %j as %s, coloured as its level', (text, tag, level) => {
    const { container } = render(() => <LevelBadge level={lineRowOf(text).level} />);

    const shown = container.querySelector('.level-tag');
    expect(shown?.textContent).toBe(tag);
    expect(shown?.classList.contains(`level-tag-${level}`)).toBe(true);
    expect(shown?.getAttribute('title')).toBe(level);
  });

  it('keeps an empty column, hidden from screen readers, for a line without a level', () => {
    const { container } = render(() => <LevelBadge level={lineRowOf('GET /health 200 3ms').level} />);

    const column = container.querySelector('.log-level');
    expect(column).not.toBeNull();
    expect(column?.textContent).toBe('');
    expect(column?.getAttribute('aria-hidden')).toBe('true');
  });

  it('does not take a word inside the message for the level', () => {
    const { container } = render(() => <LevelBadge level={lineRowOf('user clicked the error button').level} />);

    expect(container.querySelector('.level-tag')).toBeNull();
  });
});
