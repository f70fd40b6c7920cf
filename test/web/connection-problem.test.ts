import { describe, expect, it } from 'vitest';
import { connectionProblem } from '../../web/src/state/connection-problem';

describe('what the dashboard says when it cannot connect', () => {
  it('says the token was refused when no connection ever opened with it', () => {
    expect(connectionProblem({ everOpened: false, attempt: 1 }, false)).toBe('token-refused');
  });

  it('says the server cannot be reached when the token opened a connection before', () => {
    expect(connectionProblem({ everOpened: false, attempt: 3 }, true)).toBe('unreachable');
  });

  it.each([
    ['before the first attempt has failed', { everOpened: false, attempt: 0 }],
    ['once a connection of this session has opened (a drop later is a reconnect)', { everOpened: true, attempt: 4 }],
  ])('says nothing %s', (_, state) => {
    expect(connectionProblem(state, false)).toBeUndefined();
  });
});
