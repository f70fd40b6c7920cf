/**
 * The container search, on a real session (an in-memory socket) and the real view stores: every
 * container of every host as the cloud listed them, matched fuzzily, chosen by keyboard or mouse.
 * The Ctrl/Cmd-K shortcut that opens it belongs to the dashboard (app.test.tsx here, and
 * test/browser/log-viewer.int.test.ts in Chromium); here it is opened through its store.
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { Show } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContainerSearch } from '../../../web/src/components/ContainerSearch';
import { SessionContext } from '../../../web/src/session/session-context';
import { createViewState, ViewStateContext, type ViewState } from '../../../web/src/state/view-context';
import { container, host } from '../host-fixtures';
import { memorySession, type MemorySession } from './memory-session';

const HOSTS = [
  host('build-box', '2026-11-25T11:00:00Z', {
    containers: [
      container('c-web', { name: '/web-frontend', image: 'nginx:1.27' }),
      container('c-api', { name: '/orders-api', image: 'node:20' }),
      container('c-old', { name: '/migrate-db', image: 'flyway:10', state: 'exited', status: 'Exited (0) 2 hours ago' }),
    ],
  }),
  host('edge-1', '2026-11-25T10:00:00Z', {
    online: false,
    containers: [container('c-proxy', { name: '/<b>proxy</b>', image: 'traefik:3' })],
  }),
];

describe('ContainerSearch', () => {
  let cloud: MemorySession;
  let view: ViewState;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    cloud = memorySession();
    cloud.latest().handlers.onOpen();
    await cloud.receive({ action: 'inventory', hosts: HOSTS, done: true });
    view = createViewState();
  });

  afterEach(() => {
    cloud.close();
    vi.useRealTimers();
  });

  function renderSearch() {
    const result = render(() => (
      <SessionContext.Provider value={cloud.session}>
        <ViewStateContext.Provider value={view}>
          <Show when={view.finder.open()}>
            <ContainerSearch />
          </Show>
        </ViewStateContext.Provider>
      </SessionContext.Provider>
    ));
    view.finder.show();
    const input = () => result.getByRole('combobox', { name: 'Find a container' }) as HTMLInputElement;
    const type = (value: string) => fireEvent.input(input(), { target: { value } });
    const key = (name: string) => fireEvent.keyDown(input(), { key: name });
    const options = () => result.queryAllByRole('option');
    const names = () => options().map((option) => option.querySelector('.finder-name')!.textContent);
    const selected = () => options().find((option) => option.getAttribute('aria-selected') === 'true')?.querySelector('.finder-name')?.textContent;
    const subscribed = () => cloud.latest().sent.filter((frame) => frame.action === 'log.subscribe').map((frame) => frame.containerId);
    return { ...result, input, type, key, options, names, selected, subscribed };
  }

  it('opens focused on its field, listing every container of every host — an offline host’s too — running first', () => {
    const { input, names, options } = renderSearch();

    expect(document.activeElement).toBe(input());
    expect(names()).toEqual(['orders-api', 'web-frontend', 'migrate-db', '<b>proxy</b>']);
    expect(options()[3]!.querySelector('.finder-host')?.textContent).toBe('edge-1.example (offline)');
    expect(options()[3]!.querySelector('b')).toBeNull();
  });

  it('matches the characters typed in order, not only as one piece, and marks them in the name', () => {
    const { type, names, options } = renderSearch();

    type('wfe');

    expect(names()).toEqual(['web-frontend']);
    expect([...options()[0]!.querySelectorAll('.finder-match')].map((mark) => mark.textContent)).toEqual(['w', 'f', 'e']);
  });

  it('matches by image and by host too, a match in the name ranking first', () => {
    const { type, names } = renderSearch();

    type('traefik');
    expect(names()).toEqual(['<b>proxy</b>']);

    type('build-box');
    expect(names()).toEqual(['orders-api', 'web-frontend', 'migrate-db']);

    type('node');
    expect(names()[0]).toBe('orders-api');
  });

  it('says so when no container matches', () => {
    const { type, options, getByText } = renderSearch();

    type('zzz');

    expect(options()).toHaveLength(0);
    expect(getByText('No container matches.')).toBeTruthy();
  });

  it('moves the choice with the arrow keys, round the ends, and opens the chosen container on Enter', () => {
    const { key, selected, subscribed, queryByRole } = renderSearch();
    expect(selected()).toBe('orders-api');

    key('ArrowDown');
    expect(selected()).toBe('web-frontend');
    key('ArrowUp');
    key('ArrowUp');
    expect(selected()).toBe('<b>proxy</b>');
    key('ArrowDown');
    key('ArrowDown');
    key('Enter');

    expect(cloud.session.selection.selected()).toEqual({ agentId: 'build-box', containerId: 'c-web' });
    expect(subscribed()).toEqual(['c-web']);
    expect(view.finder.open()).toBe(false);
    expect(queryByRole('dialog')).toBeNull();
  });

  it('starts the choice over at the best match when the query changes', () => {
    const { key, type, selected } = renderSearch();
    key('ArrowDown');
    key('ArrowDown');

    type('api');

    expect(selected()).toBe('orders-api');
  });

  it('keeps a choice when containers go away while it is open: the last one left, opened on Enter', async () => {
    const { key, selected } = renderSearch();
    key('ArrowUp');
    expect(selected()).toBe('<b>proxy</b>');

    await cloud.receive({ action: 'host.containers', agentId: 'edge-1', observedAt: Date.parse('2026-11-25T12:00:00Z'), upsert: [], remove: ['c-proxy'] });
    expect(selected()).toBe('migrate-db');
    key('Enter');

    expect(cloud.session.selection.selected()).toEqual({ agentId: 'build-box', containerId: 'c-old' });
  });

  it('opens a container clicked in the list', () => {
    const { options } = renderSearch();

    fireEvent.click(options()[2]!);

    expect(cloud.session.selection.selected()).toEqual({ agentId: 'build-box', containerId: 'c-old' });
    expect(view.finder.open()).toBe(false);
  });

  it('closes on Escape, or on a click outside the panel, opening nothing', () => {
    const first = renderSearch();
    first.key('Escape');
    expect(view.finder.open()).toBe(false);

    view.finder.show();
    fireEvent.click(first.getByRole('dialog'));
    expect(view.finder.open()).toBe(true);
    fireEvent.click(first.container.querySelector('.finder-backdrop')!);
    expect(view.finder.open()).toBe(false);
    expect(cloud.session.selection.selected()).toBeUndefined();
  });

  it('opens empty again after it was closed', () => {
    const { type, key, input, names } = renderSearch();
    type('api');
    key('Escape');

    view.finder.show();

    expect(input().value).toBe('');
    expect(names()).toHaveLength(4);
  });

  it('hides stopped containers when asked, and the choice is the sidebar’s, remembered', () => {
    const { getByRole, names } = renderSearch();
    const stopped = getByRole('checkbox', { name: 'show stopped containers' }) as HTMLInputElement;
    expect(stopped.checked).toBe(true);

    fireEvent.click(stopped);

    expect(names()).toEqual(['orders-api', 'web-frontend', '<b>proxy</b>']);
    expect(view.settings.settings().showStopped).toBe(false);
  });
});
