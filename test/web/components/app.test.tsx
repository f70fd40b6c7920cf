/**
 * The whole dashboard in jsdom, its own code unchanged: the browser's fetch (config.json) and
 * WebSocket are the only stand-ins. What a reader sees about the token — asked for once, a refused
 * one said so — and the Ctrl/Cmd-K search opening from anywhere. Scrolling and following need
 * layout, which jsdom has not: those are test/browser/'s.
 */
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../web/src/components/App';
import { TOKEN_STORAGE_KEY } from '../../../web/src/config/viewer-token';
import { container, host } from '../host-fixtures';
import { FakeWebSocket } from './fake-web-socket';

const latestSocket = () => FakeWebSocket.opened.at(-1);

describe('the dashboard app', () => {
  beforeEach(() => {
    FakeWebSocket.opened = [];
    window.localStorage.clear();
    window.history.replaceState(null, '', '/');
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.stubGlobal('fetch', async () => ({ ok: true, status: 200, json: async () => ({ wsUrl: 'ws://sidetail.test/live' }) }));
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const renderApp = () => render(() => <App />);

  it('asks for the viewer token when it has none, and connects with it', async () => {
    const app = renderApp();

    const field = (await app.findByLabelText('Viewer token')) as HTMLInputElement;
    fireEvent.input(field, { target: { value: 'cred1234.secret-of-thirty-two-characters' } });
    fireEvent.click(app.getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(latestSocket()?.token).toBe('cred1234.secret-of-thirty-two-characters'));
    expect(app.queryByLabelText('Viewer token')).toBeNull();
  });

  it('asks only once: the next start connects with the token given before', async () => {
    const first = renderApp();
    fireEvent.input(await first.findByLabelText('Viewer token'), { target: { value: 'cred1234.given-once' } });
    fireEvent.click(first.getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(FakeWebSocket.opened).toHaveLength(1));
    first.unmount();

    const next = renderApp();

    await waitFor(() => expect(FakeWebSocket.opened).toHaveLength(2));
    expect(latestSocket()?.token).toBe('cred1234.given-once');
    expect(next.queryByLabelText('Viewer token')).toBeNull();
  });

  it('takes a token handed over in the address, and takes it out of the address', async () => {
    window.history.replaceState(null, '', '/#token=cred1234.from-the-link');

    const app = renderApp();

    await waitFor(() => expect(latestSocket()?.token).toBe('cred1234.from-the-link'));
    expect(window.location.hash).not.toContain('token');
    expect(app.queryByLabelText('Viewer token')).toBeNull();
  });

  it('says a token no connection got through with was refused, and asks for another saying so', async () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.wrong');
    const app = renderApp();
    await waitFor(() => expect(latestSocket()).toBeDefined());

    // A refused $connect: the handshake fails, the browser says only 1006.
    latestSocket()!.onclose?.({ code: 1006, reason: '' });

    expect(await app.findByText('The token was refused.')).toBeTruthy();
    fireEvent.click(app.getByRole('button', { name: 'Change token' }));
    expect(await app.findByText(/The previous token was refused/)).toBeTruthy();
    expect(window.localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('asks for a new token without speaking of a refusal when the reader changes one that worked', async () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.right');
    const app = renderApp();
    await waitFor(() => expect(latestSocket()).toBeDefined());
    latestSocket()!.onopen?.();
    await app.findByText('Live');

    fireEvent.click(app.getByRole('button', { name: 'Change token' }));

    expect(await app.findByLabelText('Viewer token')).toBeTruthy();
    expect(app.queryByText(/refused/)).toBeNull();
    expect(latestSocket()!.closed).toBe(true);
  });

  it('says what is wrong with config.json, connects nowhere, and tries again on request', async () => {
    let answer: unknown = { wsUrl: 'http://not-a-websocket' };
    vi.stubGlobal('fetch', async () => ({ ok: true, status: 200, json: async () => answer }));
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.right');
    const app = renderApp();

    expect(await app.findByText('config.json is invalid: wsUrl: must be a ws:// or wss:// URL')).toBeTruthy();
    expect(FakeWebSocket.opened).toHaveLength(0);

    answer = { wsUrl: 'wss://sidetail.test/live' };
    fireEvent.click(app.getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(latestSocket()?.url).toMatch(/^wss:\/\/sidetail\.test\/live\?role=viewer&token=/));
  });

  it('opens the container search with Ctrl-K or Cmd-K from anywhere, and closes it with the same keys', async () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.right');
    const app = renderApp();
    await waitFor(() => expect(latestSocket()).toBeDefined());
    latestSocket()!.onopen?.();
    latestSocket()!.receive({ action: 'inventory', hosts: [host('build-box', '2026-11-25T11:00:00Z', { containers: [container('c-web', { name: '/web-frontend' })] })], done: true });
    await app.findByText('Pick a container');

    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    const search = app.getByRole('combobox', { name: 'Find a container' });
    expect(document.activeElement).toBe(search);
    // From inside a field too: the shortcut closes what it opened.
    fireEvent.keyDown(search, { key: 'K', metaKey: true });
    expect(app.queryByRole('dialog', { name: 'Find a container' })).toBeNull();

    fireEvent.keyDown(document.body, { key: 'k', metaKey: true });
    expect(app.getByRole('dialog', { name: 'Find a container' })).toBeTruthy();
  });

  it('leaves Ctrl-Alt-K and a plain K alone', async () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'cred1234.right');
    const app = renderApp();
    await waitFor(() => expect(latestSocket()).toBeDefined());

    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true, altKey: true });
    fireEvent.keyDown(document.body, { key: 'k' });

    expect(app.queryByRole('dialog', { name: 'Find a container' })).toBeNull();
  });
});
