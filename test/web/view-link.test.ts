import { describe, expect, it } from 'vitest';
import { createFilterStore } from '../../web/src/state/filter-store';
import { createJumpStore } from '../../web/src/state/jump-store';
import { MAX_SHOWN } from '../../web/src/state/selection-store';
import { EMPTY_VIEW_LINK, formatViewLink, parseViewLink, type ViewLink } from '../../web/src/state/view-link';
import { applyViewLink, viewLinkOf } from '../../web/src/state/view-link-sync';
import type { ContainerRef } from '../../protocol';

const full: ViewLink = {
  containers: [{ agentId: 'host-1', containerId: 'abc123' }],
  layout: 'merged',
  query: '^GET /api (5\\d\\d)$ & more',
  regex: true,
  caseSensitive: true,
  invert: true,
  stream: 'stderr',
  hiddenLevels: new Set(['debug', 'none']),
  place: { seq: 4211 },
};

describe('a view as an address', () => {
  it('names host, container, filter and line, and reads them back the same', () => {
    const hash = formatViewLink(full);
    expect(hash).toBe('#host=host-1&container=abc123&q=%5EGET+%2Fapi+%285%5Cd%5Cd%29%24+%26+more&regex=1&case=1&invert=1&stream=stderr&hide=debug%2Cnone&line=4211');
    expect(parseViewLink(hash)).toEqual(full);
  });

  it('names a moment to the nanosecond instead of a line', () => {
    const link: ViewLink = { ...EMPTY_VIEW_LINK, place: { ts: '2026-11-25T12:00:00.123456789Z' } };
    expect(parseViewLink(formatViewLink(link))).toEqual(link);
  });

  it('is empty for an unfiltered view of nothing, and leaves out what is as by default', () => {
    expect(formatViewLink(EMPTY_VIEW_LINK)).toBe('');
    expect(formatViewLink({ ...EMPTY_VIEW_LINK, containers: [{ agentId: 'h', containerId: 'c' }] })).toBe('#host=h&container=c');
  });

  it('names several containers in the order shown, each with its host, and their layout', () => {
    const link: ViewLink = {
      ...EMPTY_VIEW_LINK,
      containers: [
        { agentId: 'host-1', containerId: 'web' },
        { agentId: 'host-2', containerId: 'db' },
        { agentId: 'host-1', containerId: 'cache' },
      ],
      layout: 'panes',
    };
    const hash = formatViewLink(link);
    expect(hash).toBe('#host=host-1&container=web&host=host-2&container=db&host=host-1&container=cache&layout=panes');
    expect(parseViewLink(hash)).toEqual(link);
  });

  it('leaves merged, the default layout, out of the address, and a layout of one container', () => {
    const two = [{ agentId: 'h', containerId: 'a' }, { agentId: 'h', containerId: 'b' }];
    expect(formatViewLink({ ...EMPTY_VIEW_LINK, containers: two, layout: 'merged' })).toBe('#host=h&container=a&host=h&container=b');
    expect(formatViewLink({ ...EMPTY_VIEW_LINK, containers: two.slice(0, 1), layout: 'panes' })).toBe('#host=h&container=a');
    expect(parseViewLink('#host=h&container=a&host=h&container=b&layout=sideways').layout).toBe('merged');
  });

  it('keeps the keys of the hash that are not a view’s, and replaces those that are', () => {
    expect(formatViewLink({ ...EMPTY_VIEW_LINK, query: 'new' }, '#q=old&line=3&other=x')).toBe('#other=x&q=new');
  });

  it.each([
    ['an unknown level', '#hide=debug,loud', { hiddenLevels: new Set(['debug']) }],
    ['an unknown stream', '#stream=both', { stream: 'all' }],
    ['a seq that is not a positive integer', '#line=-3', {}],
    ['a seq past the safe integers', '#line=99999999999999999', {}],
    ['a time that is not RFC 3339', '#at=yesterday', {}],
    ['a host without a container', '#host=h', {}],
    ['a pair with an empty host', '#host=&container=c&host=h&container=d', { containers: [{ agentId: 'h', containerId: 'd' }] }],
    ['a container id no container can have (markup)', '#host=h&container=%3Cimg%20src%3Dx%3E&host=h&container=d', { containers: [{ agentId: 'h', containerId: 'd' }] }],
    ['a host id no host can have', `#host=${'x'.repeat(300)}&container=c&host=h&container=d`, { containers: [{ agentId: 'h', containerId: 'd' }] }],
    ['the same container twice', '#host=h&container=d&host=h&container=d', { containers: [{ agentId: 'h', containerId: 'd' }] }],
  ])('leaves out %s and applies the rest', (_, hash, expected) => {
    expect(parseViewLink(`${hash}&q=kept`)).toEqual({ ...EMPTY_VIEW_LINK, query: 'kept', ...expected });
  });

  it('names no more containers than a view shows', () => {
    const hash = Array.from({ length: 500 }, (_, i) => `host=h&container=c${i}`).join('&');

    expect(parseViewLink(`#${hash}`).containers).toHaveLength(MAX_SHOWN);
  });

  it('prefers the line when a link names both a line and a moment', () => {
    expect(parseViewLink('#line=7&at=2026-11-25T12:00:00Z').place).toEqual({ seq: 7 });
  });
});

describe('a link opened, and the view written back', () => {
  it('shows the containers in their layout, sets the filter and asks for the place', () => {
    const shown: (readonly ContainerRef[])[] = [];
    const layouts: string[] = [];
    const filter = createFilterStore();
    const jump = createJumpStore();
    applyViewLink({ ...full, layout: 'panes' }, { show: (refs) => shown.push(refs), setLayout: (layout) => layouts.push(layout), filter, jump });
    expect(shown).toEqual([full.containers]);
    expect(layouts).toEqual(['panes']);
    expect(filter.filter()).toEqual({ query: full.query, regex: true, caseSensitive: true, invert: true, stream: 'stderr', hiddenLevels: new Set(['debug', 'none']) });
    expect(jump.place()).toEqual({ seq: 4211 });
  });

  it('replaces levels hidden before with the link’s', () => {
    const filter = createFilterStore();
    filter.toggleLevel('info');
    applyViewLink({ ...EMPTY_VIEW_LINK, hiddenLevels: new Set(['warn']) }, { show: () => {}, setLayout: () => {}, filter, jump: createJumpStore() });
    expect([...filter.hiddenLevels()]).toEqual(['warn']);
  });

  it('shows no container, lays none out and jumps nowhere when the link names neither', () => {
    const jump = createJumpStore();
    let selects = 0;
    const layouts: string[] = [];
    applyViewLink(parseViewLink('#q=x&layout=panes'), { show: () => (selects += 1), setLayout: (layout) => layouts.push(layout), filter: createFilterStore(), jump });
    expect(selects).toBe(0);
    expect(layouts).toEqual([]);
    expect(jump.place()).toBeUndefined();
  });

  it('writes the view on screen as the same link', () => {
    const filter = createFilterStore();
    const jump = createJumpStore();
    applyViewLink(full, { show: () => {}, setLayout: () => {}, filter, jump });
    expect(viewLinkOf({ watched: full.containers, layout: full.layout, filter: filter.filter(), place: jump.place() })).toEqual(full);
  });
});
