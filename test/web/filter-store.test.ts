import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFilterStore } from '../../web/src/state/filter-store';
import { filterRows, MAIN_THREAD_LINE_CHARS } from '../../web/src/state/line-filter';
import { runRegexPass, type RegexPassReply, type RegexPassRequest } from '../../web/src/state/regex-pass';
import { createRegexRunner, REGEX_BUDGET_MS, type RegexWorker } from '../../web/src/state/regex-runner';
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

  it('hides the levels given, replacing those hidden; the same levels again, or showing all when none is hidden, is no change', () =>
    inRoot(() => {
      const store = createFilterStore();
      const unfiltered = store.compiled();
      store.showAllLevels();
      store.setHiddenLevels(new Set());
      expect(store.compiled()).toBe(unfiltered);
      store.toggleLevel('info');
      store.setHiddenLevels(new Set(['warn', 'debug']));
      expect([...store.hiddenLevels()].sort()).toEqual(['debug', 'warn']);
      const hidden = store.compiled();
      store.setHiddenLevels(new Set(['debug', 'warn']));
      expect(store.compiled()).toBe(hidden);
    }));

  it('inverts and makes the query case-sensitive', () => {
    const store = createFilterStore();
    store.setQuery('GET');
    store.setCaseSensitive(true);
    store.setInvert(true);
    const rows = [lineRow(1, 'GET /'), lineRow(2, 'get /'), lineRow(3, 'POST /')];
    expect(filterRows(rows, store.compiled()).map((r) => r.key)).toEqual(['line:2', 'line:3']);
  });
});

describe('the filter store with a pattern slow over many short lines', () => {
  it('turns the filter off with a message once a pass runs past the budget, until the query changes', async () => {
    let clock = 0;
    const store = createFilterStore({ now: () => (clock += 50) });
    store.setRegex(true);
    store.setQuery('.*x');
    const many = Array.from({ length: 128 * 40 }, (_, i) => lineRow(i, `line ${i}`));

    expect(filterRows(many, store.compiled())).toHaveLength(0);
    await Promise.resolve();

    expect(store.compiled().error).toMatch(/takes too long \(over 1 s over the loaded lines\); the filter is off until it changes/);
    expect(filterRows(many, store.compiled())).toBe(many);
    store.setQuery('line 1$');
    expect(store.compiled().error).toBeUndefined();
  });
});

describe('the filter store with lines too long for the main thread', () => {
  /** A worker answering each pass on a later task, or hanging as on a catastrophic pattern. */
  const fakeWorkers = (hangs: (request: RegexPassRequest) => boolean) => {
    const made: { requests: RegexPassRequest[]; terminated: boolean }[] = [];
    const spawn = (): RegexWorker => {
      const record = { requests: [] as RegexPassRequest[], terminated: false };
      made.push(record);
      const worker: RegexWorker = {
        onmessage: null,
        onerror: null,
        postMessage(request) {
          record.requests.push(request);
          if (!hangs(request)) setTimeout(() => worker.onmessage?.({ data: runRegexPass(request) as RegexPassReply }), 10);
        },
        terminate() {
          record.terminated = true;
        },
      };
      return worker;
    };
    return { made, runner: createRegexRunner(spawn) };
  };
  const long = lineRow(1, `${'a'.repeat(MAIN_THREAD_LINE_CHARS * 4)}x`, 'stderr');
  const short = lineRow(2, 'ax');
  const rows = [long, short];
  const keys = (store: ReturnType<typeof createFilterStore>) => filterRows(rows, store.compiled()).map((row) => row.key);

  afterEach(() => vi.useRealTimers());

  it('filters a long line by the worker’s answer, compiling the filter again when it comes', async () => {
    vi.useFakeTimers();
    const { made, runner } = fakeWorkers(() => false);
    const store = createFilterStore({ regexRunner: runner });
    store.setRegex(true);
    store.setQuery('a+x$');

    const before = store.compiled();
    expect(keys(store)).toEqual(['line:2']);
    await vi.advanceTimersByTimeAsync(10);

    expect(made[0]!.requests[0]).toMatchObject({ source: 'a+x$', flags: 'i', tests: [long.plain] });
    expect(store.compiled()).not.toBe(before);
    expect(keys(store)).toEqual(['line:1', 'line:2']);
    expect(store.compiled().matcher!(long.plain)).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(store.compiled().matcher!(long.plain)).toEqual([[0, long.plain.length]]);
  });

  it('turns the filter off with a message when the worker takes too long, ending it, until the query changes', async () => {
    vi.useFakeTimers();
    const { made, runner } = fakeWorkers((request) => request.source === '.*y');
    const store = createFilterStore({ regexRunner: runner });
    store.setRegex(true);
    store.setStream('stderr');
    store.setQuery('.*y');

    expect(keys(store)).toEqual([]);
    await vi.advanceTimersByTimeAsync(REGEX_BUDGET_MS);

    expect(made[0]!.terminated).toBe(true);
    expect(store.compiled().error).toMatch(/takes too long \(over 1\.5 s on lines of up to 4,097 characters\); the filter is off until it changes/);
    expect(store.compiled().matcher).toBeUndefined();
    expect(keys(store)).toEqual(['line:1']);

    store.setQuery('a+x$');
    expect(store.compiled().error).toBeUndefined();
    expect(keys(store)).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(made).toHaveLength(2);
    expect(keys(store)).toEqual(['line:1']);
  });

  it('stops the worker’s pass for a pattern replaced while it runs', async () => {
    vi.useFakeTimers();
    const { made, runner } = fakeWorkers((request) => request.source === '.*y');
    const store = createFilterStore({ regexRunner: runner });
    store.setRegex(true);
    store.setQuery('.*y');
    keys(store);
    await vi.advanceTimersByTimeAsync(1);

    store.setQuery('x$');
    store.compiled();

    expect(made[0]!.terminated).toBe(true);
    expect(store.compiled().error).toBeUndefined();
  });
});
