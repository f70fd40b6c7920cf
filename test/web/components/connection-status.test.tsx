/**
 * The connection indicator, on a real session over an in-memory socket: connecting, live, lost and
 * counting down to the next attempt (which "Retry now" skips), and what a failed first connection
 * means for the token (state/connection-problem.ts, as the dashboard reads it).
 */
import { fireEvent, render } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionStatus } from '../../../web/src/components/ConnectionStatus';
import { SessionContext } from '../../../web/src/session/session-context';
import { connectionProblem } from '../../../web/src/state/connection-problem';
import { memorySession, type MemorySession } from './memory-session';

describe('ConnectionStatus', () => {
  let cloud: MemorySession;

  beforeEach(() => {
    vi.useFakeTimers();
    cloud = memorySession();
  });

  afterEach(() => {
    cloud.close();
    vi.useRealTimers();
  });

  function renderStatus(options: { tokenAcceptedBefore?: boolean } = {}) {
    const onChangeToken = vi.fn();
    const problem = () => connectionProblem(cloud.session.connection.state(), options.tokenAcceptedBefore ?? false);
    const result = render(() => (
      <SessionContext.Provider value={cloud.session}>
        <ConnectionStatus problem={problem()} onChangeToken={onChangeToken} />
      </SessionContext.Provider>
    ));
    const pill = () => result.container.querySelector('.connection-pill') as HTMLElement;
    return { ...result, onChangeToken, pill };
  }

  it('says it is connecting, then live once the socket opens', () => {
    const { pill, queryByRole } = renderStatus();
    expect(pill().textContent).toBe('Connecting…');

    cloud.latest().handlers.onOpen();

    expect(pill().textContent).toBe('Live');
    expect(pill().classList.contains('is-open')).toBe(true);
    expect(queryByRole('alert')).toBeNull();
  });

  it('counts down to the next attempt when the connection is lost, and says why it was', () => {
    const { pill, container } = renderStatus();
    cloud.latest().handlers.onOpen();
    cloud.latest().handlers.onClose(1006, '');
    expect(container.querySelector('.connection-error')?.textContent).toBe('connection lost (code 1006)');
    // Attempts that fail too: the wait grows to seconds (api/backoff.ts).
    for (let attempt = 0; attempt < 4; attempt += 1) {
      vi.advanceTimersByTime(30_000);
      cloud.latest().handlers.onClose(1006, 'gone');
    }

    const first = Number(/^Reconnecting in (\d+)s$/.exec(pill().textContent ?? '')?.[1]);
    expect(first).toBeGreaterThanOrEqual(4);
    expect(container.querySelector('.connection-error')?.textContent).toBe('could not connect (code 1006: gone)');
    vi.advanceTimersByTime(1_000);
    expect(pill().textContent).toBe(`Reconnecting in ${first - 1}s`);
  });

  it('tries again at once on "Retry now"', () => {
    const { getByRole, pill, queryByRole } = renderStatus();
    cloud.latest().handlers.onOpen();
    cloud.latest().handlers.onClose(1006, '');
    expect(cloud.sockets).toHaveLength(1);

    fireEvent.click(getByRole('button', { name: 'Retry now' }));

    expect(cloud.sockets).toHaveLength(2);
    expect(pill().textContent).toBe('Reconnecting…');
    expect(queryByRole('button', { name: 'Retry now' })).toBeNull();
  });

  it('says the token was refused when no connection ever opened with a token this browser never got in with', () => {
    const { getByRole, onChangeToken } = renderStatus({ tokenAcceptedBefore: false });

    cloud.latest().handlers.onClose(1006, '');

    expect(getByRole('alert').textContent).toBe('The token was refused.');
    const change = getByRole('button', { name: 'Change token' });
    expect(change.classList.contains('button-ghost')).toBe(false);
    fireEvent.click(change);
    expect(onChangeToken).toHaveBeenCalledTimes(1);
  });

  it('says the server cannot be reached when a token that worked before cannot connect', () => {
    const { getByRole } = renderStatus({ tokenAcceptedBefore: true });

    cloud.latest().handlers.onClose(1006, '');

    expect(getByRole('alert').textContent).toBe('The server cannot be reached.');
    expect(getByRole('button', { name: 'Change token' }).classList.contains('button-ghost')).toBe(true);
  });

  it('says nothing about the token once a connection of this session has opened', () => {
    const { queryByRole } = renderStatus({ tokenAcceptedBefore: false });
    cloud.latest().handlers.onOpen();

    cloud.latest().handlers.onClose(1006, '');

    expect(queryByRole('alert')).toBeNull();
  });
});
