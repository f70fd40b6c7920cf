/**
 * The view the whole dashboard shows, in jsdom (the browser's fetch and WebSocket are the only
 * stand-ins): remembered across reloads, layout included, with a link winning over what is
 * remembered; and named by the address, whose change in an open tab (another link pasted, back
 * or forward) shows the view it names as a load of it would.
 */
import { fireEvent, render, waitFor, within } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudToViewer, LogLine } from '../../../protocol';
import { App } from '../../../web/src/components/App';
import { TOKEN_STORAGE_KEY } from '../../../web/src/config/viewer-token';
import type { LineFilter } from '../../../web/src/state/line-filter';
import { container, host } from '../host-fixtures';
import { FakeWebSocket } from './fake-web-socket';
import { packedBatch } from './packed-batch';

/** Every filter the log view compiled (and so ran over its lines), in order; compiled as ever. */
const compiledFilters: LineFilter[] = [];
vi.mock('../../../web/src/state/line-filter', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../web/src/state/line-filter')>();
  return {
    ...original,
    compileFilter: (filter: LineFilter, options?: Parameters<typeof original.compileFilter>[1]) => {
      compiledFilters.push(filter);
      return original.compileFilter(filter, options);
    },
  };
});

const inventory: CloudToViewer = {
  action: 'inventory',
  hosts: [
    host('agent-1', '2026-11-25T12:00:00Z', { containers: [container('web', { name: '/web' }), container('db', { name: '/db' })] }),
    host('agent-2', '2026-11-25T12:00:00Z', { containers: [container('cache', { name: '/cache' })] }),
  ],
  done: true,
};

class NoLayoutObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

const latestSocket = () => FakeWebSocket.opened.at(-1)!;
const lines = (...seqs: number[]): LogLine[] =>
  seqs.map((seq) => ({ seq, ts: `2026-11-25T12:00:${String(seq).padStart(2, '0')}.000000000Z`, stream: 'stdout', text: `line ${seq}` }));
/** Records the hash of every address written (history.replaceState) from now on. */
const recordAddresses = () => {
  const written: string[] = [];
  const replace = window.history.replaceState.bind(window.history);
  vi.spyOn(window.history, 'replaceState').mockImplementation((state, unused, url) => {
    written.push(new URL(String(url), 'http://x').hash);
    replace(state, unused, url);
  });
  return written;
};
/** The subscriptions sent on the latest socket, as `subscribe <container>`. */
const subscriptions = () =>
  latestSocket()
    .sent.map((text) => JSON.parse(text) as Record<string, unknown>)
    .filter((m) => m.action === 'log.subscribe' || m.action === 'log.unsubscribe')
    .map((m) => `${String(m.action).slice(4)} ${String(m.containerId)}`);

describe('the view the dashboard shows', () => {
  beforeEach(() => {
    FakeWebSocket.opened = [];
    window.localStorage.clear();
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.right');
    window.history.replaceState(null, '', '/');
    vi.stubGlobal('WebSocket', FakeWebSocket);
    // jsdom lays nothing out: the log view's sizes stay unmeasured, which these specs do not read.
    vi.stubGlobal('ResizeObserver', NoLayoutObserver);
    vi.stubGlobal('fetch', async () => ({ ok: true, status: 200, json: async () => ({ wsUrl: 'ws://sidetail.test/live' }) }));
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  /** Opens the dashboard at this address, connected, the inventory listed. */
  const open = async (address: string) => {
    window.history.replaceState(null, '', address);
    const before = FakeWebSocket.opened.length;
    const app = render(() => <App />);
    await waitFor(() => expect(FakeWebSocket.opened.length).toBe(before + 1));
    latestSocket().onopen?.();
    latestSocket().receive(inventory);
    return app;
  };
  const shownNames = (app: ReturnType<typeof render>) =>
    within(app.getByRole('list', { name: 'Containers shown' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent?.replace('×', '').trim());
  const filterText = (app: ReturnType<typeof render>) => (app.getByRole('searchbox', { name: 'Filter loaded lines' }) as HTMLInputElement).value;
  const layoutChosen = (app: ReturnType<typeof render>) =>
    within(app.getByRole('radiogroup', { name: 'Layout' }))
      .getAllByRole('radio')
      .find((option) => option.getAttribute('aria-checked') === 'true')?.textContent;

  describe('across reloads', () => {
    it('lays the containers shown last time out as they were, side by side', async () => {
      const first = await open('/#host=agent-1&container=web&host=agent-1&container=db');
      await waitFor(() => expect(layoutChosen(first)).toBe('Merged'));
      fireEvent.click(within(first.getByRole('radiogroup', { name: 'Layout' })).getByRole('radio', { name: 'Side by side' }));
      first.unmount();

      const next = await open('/');

      await waitFor(() => expect(shownNames(next)).toEqual(['web', 'db']));
      expect(layoutChosen(next)).toBe('Side by side');
    });

    it('lays out a link’s containers as the link says, whatever was remembered', async () => {
      const first = await open('/#host=agent-1&container=web&host=agent-1&container=db&layout=panes');
      await waitFor(() => expect(layoutChosen(first)).toBe('Side by side'));
      first.unmount();

      const next = await open('/#host=agent-2&container=cache&host=agent-1&container=web');

      await waitFor(() => expect(shownNames(next)).toEqual(['cache', 'web']));
      expect(layoutChosen(next)).toBe('Merged');
    });

    it('keeps the layout remembered under a link to one container, which names no layout', async () => {
      const first = await open('/#host=agent-1&container=web&host=agent-1&container=db&layout=panes');
      await waitFor(() => expect(layoutChosen(first)).toBe('Side by side'));
      first.unmount();

      // The address of the view once db is taken out again.
      const next = await open('/#host=agent-1&container=web');
      fireEvent.click(await next.findByText('db', { selector: '.container-name' }), { shiftKey: true });

      await waitFor(() => expect(shownNames(next)).toEqual(['web', 'db']));
      expect(layoutChosen(next)).toBe('Side by side');
    });
  });

  describe('when only the address changes in an open tab', () => {
    const navigate = (hash: string) => {
      window.location.hash = hash;
    };

    it('shows the containers, layout, filter and moment the new link names, subscribing those it adds', async () => {
      const app = await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));

      navigate('#host=agent-1&container=db&host=agent-2&container=cache&layout=panes&q=timeout&case=1&at=2026-11-25T12:00:00Z');

      await waitFor(() => expect(shownNames(app)).toEqual(['db', 'cache']));
      expect(window.location.hash).toBe('#host=agent-1&container=db&host=agent-2&container=cache&layout=panes&q=timeout&case=1&at=2026-11-25T12%3A00%3A00Z');
      expect(layoutChosen(app)).toBe('Side by side');
      expect(filterText(app)).toBe('timeout');
      expect(app.getByRole('button', { name: 'Match case' }).getAttribute('aria-pressed')).toBe('true');
      expect(subscriptions()).toEqual(['subscribe web', 'subscribe db', 'subscribe cache']);
    });

    it('applies the new link as one change: only its own filter is compiled, and only its address written', async () => {
      const app = await open('/#host=agent-1&container=web&q=a.c&regex=1');
      await waitFor(() => expect(compiledFilters.some((f) => f.query === 'a.c')).toBe(true));
      compiledFilters.length = 0;
      const written = recordAddresses();

      // A literal "(" (no regex=1), in the same container.
      navigate('#host=agent-1&container=web&q=%28');

      await waitFor(() => expect(filterText(app)).toBe('('));
      expect(compiledFilters.map((f) => [f.query, f.regex])).toEqual([['(', false]]);
      expect(written.filter((hash) => hash !== '#host=agent-1&container=web&q=%28')).toEqual([]);
      expect(window.location.hash).toBe('#host=agent-1&container=web&q=%28');
    });

    it('writes no address between the link before and the new one, places and containers changed', async () => {
      const app = await open('/#host=agent-1&container=web&line=3');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));
      const written = recordAddresses();

      navigate('#host=agent-1&container=db&q=x&line=5');

      await waitFor(() => expect(filterText(app)).toBe('x'));
      expect(written.filter((hash) => hash !== '#host=agent-1&container=db&q=x&line=5')).toEqual([]);
      expect(window.location.hash).toBe('#host=agent-1&container=db&q=x&line=5');
    });

    it('writes the address of the view shown for a link that changes nothing on screen (no container named: those shown stay)', async () => {
      await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));

      navigate('#stream=all');

      await waitFor(() => expect(window.location.hash).toBe('#host=agent-1&container=web'));
    });

    it('follows the newest lines again for a link that names no place, as opening it does', async () => {
      const app = await open('/#host=agent-1&container=web&line=3');
      latestSocket().receive({ action: 'log.history', agentId: 'agent-1', containerId: 'web', epoch: 7, batches: [await packedBatch(lines(1, 2, 3, 4, 5))], done: true });
      // Paused at line 3, as the link says.
      await waitFor(() => expect(app.getByRole('button', { name: 'Jump to latest' })).toBeTruthy());

      navigate('#host=agent-1&container=web');

      await waitFor(() => expect(app.queryByRole('button', { name: 'Jump to latest' })).toBeNull());
      expect(window.location.hash).toBe('#host=agent-1&container=web');
    });

    it('goes back to the view of the link before, as it was named', async () => {
      const app = await open('/#host=agent-1&container=web&q=error');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));
      navigate('#host=agent-1&container=db&host=agent-2&container=cache&layout=panes');
      await waitFor(() => expect(shownNames(app)).toEqual(['db', 'cache']));

      window.history.back();

      await waitFor(() => expect(filterText(app)).toBe('error'));
      expect(app.queryByRole('list', { name: 'Containers shown' })).toBeNull();
      expect(window.location.hash).toBe('#host=agent-1&container=web&q=error');
    });

    it('applies what a malformed link still says, as a load of it does, and writes the address of the view shown', async () => {
      const app = await open('/#host=agent-1&container=web&host=agent-1&container=db');
      await waitFor(() => expect(shownNames(app)).toEqual(['web', 'db']));

      navigate('#host=agent-1&container=%3Cimg%3E&host=agent-2&container=cache&stream=both&q=kept');

      await waitFor(() => expect(window.location.hash).toBe('#host=agent-2&container=cache&q=kept'));
      expect(filterText(app)).toBe('kept');
      expect(app.queryByRole('list', { name: 'Containers shown' })).toBeNull();
    });

    it('keeps the reader’s changes on the entry of the link: back goes to the link before, not to a keystroke', async () => {
      const app = await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));
      navigate('#host=agent-1&container=db');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web', 'subscribe db']));

      fireEvent.input(app.getByRole('searchbox', { name: 'Filter loaded lines' }), { target: { value: 'slow' } });
      await waitFor(() => expect(window.location.hash).toBe('#host=agent-1&container=db&q=slow'));
      expect(filterText(app)).toBe('slow');
      window.history.back();

      await waitFor(() => expect(window.location.hash).toBe('#host=agent-1&container=web'));
      await waitFor(() => expect(filterText(app)).toBe(''));
      // web waited out of view, still subscribed: shown again at once.
      expect(subscriptions()).toEqual(['subscribe web', 'subscribe db']);
    });

    it('takes the token of a link pasted into the tab out of the address, and connects with it when it is another', async () => {
      await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));

      navigate('#token=cred1234.another&host=agent-1&container=db');

      await waitFor(() => expect(latestSocket().token).toBe('cred1234.another'));
      expect(window.location.hash).toBe('#host=agent-1&container=db');
      expect(window.localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('cred1234.another');
      expect(FakeWebSocket.opened[0]!.closed).toBe(true);
      // The dashboard replaced applied nothing of the link on its way out.
      expect(FakeWebSocket.opened[0]!.sent.some((text) => text.includes('"containerId":"db"'))).toBe(false);
      latestSocket().onopen?.();
      latestSocket().receive(inventory);
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe db']));
    });

    it('takes the token the dashboard holds already out of a pasted link, and shows the link’s view on the same connection', async () => {
      await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));

      navigate('#token=cred1234.right&host=agent-1&container=db');

      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web', 'subscribe db']));
      expect(window.location.hash).toBe('#host=agent-1&container=db');
      expect(FakeWebSocket.opened).toHaveLength(1);
    });

    it('connects with the token of a pasted link for this page when the storage refuses to keep it', async () => {
      await open('/#host=agent-1&container=web');
      await waitFor(() => expect(subscriptions()).toEqual(['subscribe web']));
      const thrown: unknown[] = [];
      const onError = (event: ErrorEvent) => {
        thrown.push(event.error);
        event.preventDefault();
      };
      window.addEventListener('error', onError);
      const setItem = Storage.prototype.setItem;
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, key: string, value: string) {
        if (key === TOKEN_STORAGE_KEY) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        setItem.call(this, key, value);
      });

      navigate('#token=cred1234.another&host=agent-1&container=db');

      await waitFor(() => expect(latestSocket().token).toBe('cred1234.another'));
      window.removeEventListener('error', onError);
      expect(thrown, 'thrown from a hashchange listener').toEqual([]);
      expect(window.location.hash).toBe('#host=agent-1&container=db');
      expect(window.localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('cred1234.right');
    });
  });
});
