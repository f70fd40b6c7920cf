/** The cloud's `error` messages, as they arrive on a real session's socket: one notice each, repeats counted, dismissible, text only. */
import { fireEvent, render } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorNotices } from '../../../web/src/components/ErrorNotices';
import { SessionContext } from '../../../web/src/session/session-context';
import { MAX_NOTICES } from '../../../web/src/state/server-errors';
import { memorySession, type MemorySession } from './memory-session';

describe('ErrorNotices', () => {
  let cloud: MemorySession;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    cloud = memorySession();
    cloud.latest().handlers.onOpen();
  });

  afterEach(() => {
    cloud.close();
    vi.useRealTimers();
  });

  function renderNotices() {
    const result = render(() => (
      <SessionContext.Provider value={cloud.session}>
        <ErrorNotices />
      </SessionContext.Provider>
    ));
    const notices = () => [...result.container.querySelectorAll('.notice')].map((notice) => notice.querySelector('.notice-text')!.textContent);
    return { ...result, notices };
  }

  it('shows nothing while the cloud reported no error', () => {
    const { queryByRole } = renderNotices();

    expect(queryByRole('list', { name: 'Server errors' })).toBeNull();
  });

  it('shows each error with its code and what it answered', async () => {
    const { notices, container } = renderNotices();

    await cloud.receive({ action: 'error', code: 'limit_exceeded', message: 'slow down', requestAction: 'log.fetch' });

    expect(container.querySelector('.notice-code')?.textContent).toBe('limit_exceeded');
    expect(notices()).toEqual(['slow down (in reply to log.fetch)']);
  });

  it('counts the same error again instead of repeating it', async () => {
    const { notices, container } = renderNotices();

    for (let i = 0; i < 3; i += 1) await cloud.receive({ action: 'error', code: 'internal', message: 'try later' });

    expect(notices()).toEqual(['try later']);
    expect(container.querySelector('.notice-count')?.textContent).toBe('×3');
  });

  it('keeps only the newest few', async () => {
    const { notices } = renderNotices();

    for (let i = 1; i <= MAX_NOTICES + 2; i += 1) await cloud.receive({ action: 'error', code: 'internal', message: `failure ${i}` });

    expect(notices()).toHaveLength(MAX_NOTICES);
    expect(notices().at(-1)).toBe(`failure ${MAX_NOTICES + 2}`);
  });

  it('goes away when dismissed', async () => {
    const { getAllByRole, notices } = renderNotices();
    await cloud.receive({ action: 'error', code: 'internal', message: 'first' });
    await cloud.receive({ action: 'error', code: 'internal', message: 'second' });

    fireEvent.click(getAllByRole('button', { name: 'Dismiss' })[0]!);

    expect(notices()).toEqual(['second']);
  });

  it('shows markup in a message as text', async () => {
    const { notices, container } = renderNotices();

    await cloud.receive({ action: 'error', code: 'malformed', message: '<img src=x onerror=alert(1)>' });

    expect(notices()).toEqual(['<img src=x onerror=alert(1)>']);
    expect(container.querySelector('img')).toBeNull();
  });
});
