/**
 * How the reader likes the log view: timestamps in local time, in UTC or hidden; long lines
 * wrapped or scrolled sideways; stopped containers listed or not. Kept across reloads
 * (localStorage); what is stored is read defensively, since anything can be in it.
 */
import { createSignal, type Accessor } from 'solid-js';

export type TimeMode = 'local' | 'utc' | 'hidden';

export interface ViewSettings {
  readonly time: TimeMode;
  readonly wrap: boolean;
  readonly showStopped: boolean;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { time: 'local', wrap: true, showStopped: true };

export const VIEW_SETTINGS_KEY = 'sidetail.view';

const TIME_MODES: readonly TimeMode[] = ['local', 'utc', 'hidden'];

/** The stored settings, each unreadable or missing one replaced by its default. */
export function parseViewSettings(stored: string | null): ViewSettings {
  if (stored === null) return DEFAULT_VIEW_SETTINGS;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return DEFAULT_VIEW_SETTINGS;
  }
  if (typeof value !== 'object' || value === null) return DEFAULT_VIEW_SETTINGS;
  const record = value as Record<string, unknown>;
  return {
    time: TIME_MODES.includes(record.time as TimeMode) ? (record.time as TimeMode) : DEFAULT_VIEW_SETTINGS.time,
    wrap: typeof record.wrap === 'boolean' ? record.wrap : DEFAULT_VIEW_SETTINGS.wrap,
    showStopped: typeof record.showStopped === 'boolean' ? record.showStopped : DEFAULT_VIEW_SETTINGS.showStopped,
  };
}

export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ViewSettingsStore {
  readonly settings: Accessor<ViewSettings>;
  setTime(time: TimeMode): void;
  setWrap(wrap: boolean): void;
  setShowStopped(show: boolean): void;
}

export function createViewSettingsStore(storage?: SettingsStorage): ViewSettingsStore {
  const [settings, setSettings] = createSignal(parseViewSettings(read(storage)));
  const update = (change: Partial<ViewSettings>) => {
    const next = { ...settings(), ...change };
    setSettings(next);
    try {
      storage?.setItem(VIEW_SETTINGS_KEY, JSON.stringify(next));
    } catch {
      // Storage full or refused (private mode): the setting holds for this page only.
    }
  };
  return {
    settings,
    setTime: (time) => update({ time }),
    setWrap: (wrap) => update({ wrap }),
    setShowStopped: (showStopped) => update({ showStopped }),
  };
}

function read(storage: SettingsStorage | undefined): string | null {
  try {
    return storage?.getItem(VIEW_SETTINGS_KEY) ?? null;
  } catch {
    return null;
  }
}
