import { describe, expect, it } from 'vitest';
import { createViewSettingsStore, DEFAULT_VIEW_SETTINGS, parseViewSettings, VIEW_SETTINGS_KEY } from '../../web/src/state/view-settings-store';

const memoryStorage = (initial: Record<string, string> = {}) => {
  const items = new Map(Object.entries(initial));
  return { items, getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

describe('view settings', () => {
  it('defaults to local times, wrapped lines and stopped containers listed', () => {
    expect(createViewSettingsStore().settings()).toEqual({ time: 'local', wrap: true, showStopped: true });
  });

  it('keeps each change in storage and reads it back on the next start', () => {
    const storage = memoryStorage();
    const store = createViewSettingsStore(storage);
    store.setTime('utc');
    store.setWrap(false);
    store.setShowStopped(false);
    expect(createViewSettingsStore(storage).settings()).toEqual({ time: 'utc', wrap: false, showStopped: false });
  });

  it.each(['not json', '42', 'null', '[]'])('ignores an unreadable stored value %j', (stored) => {
    expect(parseViewSettings(stored)).toEqual(DEFAULT_VIEW_SETTINGS);
  });

  it('replaces each unknown field by its default and keeps the good ones', () => {
    expect(parseViewSettings(JSON.stringify({ time: 'mars', wrap: false, showStopped: 'yes' }))).toEqual({ time: 'local', wrap: false, showStopped: true });
  });

  it('still works when storage refuses', () => {
    const storage = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
    const store = createViewSettingsStore(storage);
    store.setTime('hidden');
    expect(store.settings().time).toBe('hidden');
  });

  it('stores under its own key', () => {
    const storage = memoryStorage();
    createViewSettingsStore(storage).setWrap(false);
    expect(JSON.parse(storage.items.get(VIEW_SETTINGS_KEY)!)).toMatchObject({ wrap: false });
  });
});
