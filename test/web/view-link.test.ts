import { describe, expect, it } from 'vitest';
import { createFilterStore } from '../../web/src/state/filter-store';
import { createFollowStore } from '../../web/src/state/follow-store';
import { createJumpStore } from '../../web/src/state/jump-store';
import { MAX_SHOWN, type ViewLayout } from '../../web/src/state/selection-store';
import { EMPTY_VIEW_LINK, formatViewLink, parseViewLink, type ViewLink } from '../../web/src/state/view-link';
import { applyChangedViewLink, applyViewLink, viewLinkOf, type LinkTargets } from '../../web/src/state/view-link-sync';
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
    const two = [...full.containers, { agentId: 'host-2', containerId: 'db' }];
    applyViewLink({ ...full, containers: two, layout: 'panes' }, { show: (refs) => shown.push(refs), setLayout: (layout) => layouts.push(layout), filter, jump, follow: createFollowStore() });
    expect(shown).toEqual([two]);
    expect(layouts).toEqual(['panes']);
    expect(filter.filter()).toEqual({ query: full.query, regex: true, caseSensitive: true, invert: true, stream: 'stderr', hiddenLevels: new Set(['debug', 'none']) });
    expect(jump.place()).toEqual({ seq: 4211 });
  });

  it('replaces levels hidden before with the link’s', () => {
    const filter = createFilterStore();
    filter.toggleLevel('info');
    applyViewLink({ ...EMPTY_VIEW_LINK, hiddenLevels: new Set(['warn']) }, { show: () => {}, setLayout: () => {}, filter, jump: createJumpStore(), follow: createFollowStore() });
    expect([...filter.hiddenLevels()]).toEqual(['warn']);
  });

  it('leaves the layout as it is when the link names one container (its address names no layout)', () => {
    const layouts: string[] = [];
    applyViewLink(parseViewLink('#host=h&container=a&layout=merged'), { show: () => {}, setLayout: (layout) => layouts.push(layout), filter: createFilterStore(), jump: createJumpStore(), follow: createFollowStore() });
    expect(layouts).toEqual([]);
  });

  it('shows no container, lays none out and jumps nowhere when the link names neither', () => {
    const jump = createJumpStore();
    let selects = 0;
    const layouts: string[] = [];
    applyViewLink(parseViewLink('#q=x&layout=panes'), { show: () => (selects += 1), setLayout: (layout) => layouts.push(layout), filter: createFilterStore(), jump, follow: createFollowStore() });
    expect(selects).toBe(0);
    expect(layouts).toEqual([]);
    expect(jump.place()).toBeUndefined();
  });

  it('writes the view on screen as the same link', () => {
    const filter = createFilterStore();
    const jump = createJumpStore();
    applyViewLink(full, { show: () => {}, setLayout: () => {}, filter, jump, follow: createFollowStore() });
    expect(viewLinkOf({ watched: full.containers, layout: full.layout, filter: filter.filter(), place: jump.place() })).toEqual(full);
  });
});

describe('the address changed in an open tab (another link pasted, back or forward)', () => {
  const web = { agentId: 'host-1', containerId: 'web' };
  const db = { agentId: 'host-2', containerId: 'db' };
  /** Targets over real stores, the containers and layout shown kept as a session keeps them. */
  const screen = () => {
    let watched: readonly ContainerRef[] = [];
    let layout: ViewLayout = 'merged';
    const shown: (readonly ContainerRef[])[] = [];
    const targets: LinkTargets = {
      show: (refs) => {
        shown.push(refs);
        watched = refs;
      },
      setLayout: (next) => {
        layout = next;
      },
      filter: createFilterStore(),
      jump: createJumpStore(),
      follow: createFollowStore(),
    };
    const now = () => ({ watched, layout, filter: targets.filter.filter(), place: targets.jump.place() });
    return { targets, now, shown };
  };

  it('shows the view the new link names, as a load of it would', () => {
    const { targets, now } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web&q=old&hide=debug'), targets);

    expect(applyChangedViewLink('#host=host-1&container=web&host=host-2&container=db&layout=panes&q=new&regex=1&line=12', now(), targets)).toBe(true);

    expect(now()).toEqual({ watched: [web, db], layout: 'panes', filter: { query: 'new', regex: true, caseSensitive: false, invert: false, stream: 'all', hiddenLevels: new Set() }, place: { seq: 12 } });
  });

  it('lets go of the place of the link before when the new one names none, as a load starts with none', () => {
    const { targets, now } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web&line=40'), targets);

    applyChangedViewLink('#host=host-1&container=web&q=x', now(), targets);

    expect(targets.jump.place()).toBeUndefined();
  });

  it('follows the newest lines again when the new link names no place, as a load does', () => {
    const { targets, now } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web&line=40'), targets);
    targets.follow.pause();

    applyChangedViewLink('#host=host-1&container=web', now(), targets);

    expect(targets.follow.following()).toBe(true);
  });

  it('keeps the containers and layout shown when the new link names no container, as a load shows those remembered', () => {
    const { targets, now, shown } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web&host=host-2&container=db&layout=panes'), targets);

    applyChangedViewLink('#q=timeout', now(), targets);

    expect(shown).toHaveLength(1);
    expect(now()).toMatchObject({ watched: [web, db], layout: 'panes', filter: { query: 'timeout' } });
  });

  it('applies nothing when the address names the view on screen (the one the dashboard wrote): a place jumped to is not jumped to again', () => {
    const { targets, now, shown } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web&q=x&line=40'), targets);
    targets.jump.resolved('line:40');
    const written = formatViewLink(viewLinkOf(now()), '#other=kept');

    expect(applyChangedViewLink(written, now(), targets)).toBe(false);

    expect(shown).toHaveLength(1);
    expect(targets.jump.reveal()).toEqual({ key: 'line:40' });
  });

  it('applies what a malformed address still says, as a load of it does', () => {
    const { targets, now } = screen();
    applyViewLink(parseViewLink('#host=host-1&container=web'), targets);

    applyChangedViewLink('#host=host-1&container=%3Cimg%3E&host=host-2&container=db&stream=both&line=-3&q=kept', now(), targets);

    expect(now()).toEqual({ watched: [db], layout: 'merged', filter: { ...createFilterStore().filter(), query: 'kept' }, place: undefined });
  });
});

