import { describe, expect, it } from 'vitest';
import { addServerError, MAX_NOTICES } from '../../web/src/state/server-errors';

describe('addServerError', () => {
  const error = (message: string) => ({ action: 'error' as const, code: 'unknown_target' as const, message, requestAction: 'log.subscribe' });

  it('adds a notice for a new error', () => {
    expect(addServerError([], error('no such agent'), 1)).toEqual([
      { id: 1, code: 'unknown_target', message: 'no such agent', requestAction: 'log.subscribe', count: 1 },
    ]);
  });

  it('counts a repeated error instead of listing it twice', () => {
    const once = addServerError([], error('no such agent'), 1);

    const twice = addServerError(once, error('no such agent'), 2);

    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatchObject({ id: 1, count: 2 });
  });

  it('keeps only the newest notices', () => {
    let notices = addServerError([], error('e0'), 0);
    for (let i = 1; i <= MAX_NOTICES; i += 1) notices = addServerError(notices, error(`e${i}`), i);

    expect(notices.map((n) => n.message)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
  });
});
