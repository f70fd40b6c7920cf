import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createFilterStore } from '../../web/src/state/filter-store';
import { filterRows } from '../../web/src/state/line-filter';
import { lineRow } from './line-rows';

const inRoot = <T>(fn: () => T): T => createRoot((dispose) => {
  const value = fn();
  dispose();
  return value;
});

describe('the filter store', () => {
  it('starts with nothing filtered', () => {
    const store = createFilterStore();
    expect(store.compiled().active).toBe(false);
    expect(store.filter()).toMatchObject({ query: '', stream: 'all', regex: false, caseSensitive: false, invert: false });
  });

  it('compiles once per change, however often it is read', () =>
    inRoot(() => {
      const store = createFilterStore();
      store.setQuery('err');
      const first = store.compiled();
      expect(store.compiled()).toBe(first);
      store.setRegex(true);
      expect(store.compiled()).not.toBe(first);
    }));

  it('shows an invalid regular expression as an error and keeps filtering by stream', () => {
    const store = createFilterStore();
    store.setRegex(true);
    store.setQuery('(unclosed');
    store.setStream('stderr');
    expect(store.compiled().error).toMatch(/unterminated group/i);
    const rows = [lineRow(1, 'a (unclosed'), lineRow(2, 'b', 'stderr')];
    expect(filterRows(rows, store.compiled()).map((r) => r.key)).toEqual(['line:2']);
  });

  it('hides and shows levels one at a time, and all at once', () => {
    const store = createFilterStore();
    store.toggleLevel('debug');
    store.toggleLevel('none');
    expect([...store.hiddenLevels()].sort()).toEqual(['debug', 'none']);
    store.toggleLevel('debug');
    expect([...store.hiddenLevels()]).toEqual(['none']);
    store.showAllLevels();
    expect(store.hiddenLevels().size).toBe(0);
  });

  it('inverts and makes the query case-sensitive', () => {
    const store = createFilterStore();
    store.setQuery('GET');
    store.setCaseSensitive(true);
    store.setInvert(true);
    const rows = [lineRow(1, 'GET /'), lineRow(2, 'get /'), lineRow(3, 'POST /')];
    expect(filterRows(rows, store.compiled()).map((r) => r.key)).toEqual(['line:2', 'line:3']);
  });
});
