/** How lines are shown — time local, UTC or hidden; long lines wrapped or not — chosen here and remembered. */
import { fireEvent, render } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { ViewOptions } from '../../../web/src/components/ViewOptions';
import { createViewSettingsStore, VIEW_SETTINGS_KEY, type SettingsStorage } from '../../../web/src/state/view-settings-store';

/** localStorage as the store uses it. */
function memoryStorage(initial: Record<string, string> = {}): SettingsStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

function renderOptions(storage: SettingsStorage = memoryStorage()) {
  const settings = createViewSettingsStore(storage);
  const result = render(() => <ViewOptions settings={settings} />);
  const times = () => [...result.getByRole('radiogroup', { name: 'Timestamps' }).querySelectorAll('[role=radio]')] as HTMLElement[];
  const checked = () => times().filter((time) => time.getAttribute('aria-checked') === 'true').map((time) => time.textContent);
  const wrap = () => result.getByRole('button', { name: 'Wrap' });
  return { ...result, settings, storage, times, checked, wrap };
}

describe('ViewOptions', () => {
  it('offers local time, UTC or no time, local chosen at first, and long lines wrapped', () => {
    const { times, checked, wrap } = renderOptions();

    expect(times().map((time) => time.textContent)).toEqual(['Local', 'UTC', 'No time']);
    expect(checked()).toEqual(['Local']);
    expect(wrap().getAttribute('aria-pressed')).toBe('true');
  });

  it.each([
    ['UTC', 'utc'],
    ['No time', 'hidden'],
    ['Local', 'local'],
  ] as const)('chooses %s for the timestamps, one choice at a time', (label, mode) => {
    const { getByRole, checked, settings } = renderOptions(memoryStorage({ [VIEW_SETTINGS_KEY]: JSON.stringify({ time: mode === 'local' ? 'utc' : 'local' }) }));

    fireEvent.click(getByRole('radio', { name: label }));

    expect(checked()).toEqual([label]);
    expect(settings.settings().time).toBe(mode);
  });

  it('is one tab stop, moved along with the arrow keys as a radio group is (Home and End too)', () => {
    const { times, checked, settings } = renderOptions();
    const tabStops = () => times().filter((time) => time.tabIndex === 0).map((time) => time.textContent);
    expect(tabStops()).toEqual(['Local']);

    fireEvent.keyDown(times()[0]!, { key: 'ArrowRight' });
    expect(checked()).toEqual(['UTC']);
    expect(document.activeElement).toBe(times()[1]);
    expect(tabStops()).toEqual(['UTC']);

    fireEvent.keyDown(times()[1]!, { key: 'End' });
    expect(settings.settings().time).toBe('hidden');
    fireEvent.keyDown(times()[2]!, { key: 'ArrowDown' });
    expect(checked()).toEqual(['Local']);
    fireEvent.keyDown(times()[0]!, { key: 'ArrowLeft' });
    expect(checked()).toEqual(['No time']);
    fireEvent.keyDown(times()[2]!, { key: 'Home' });
    expect(checked()).toEqual(['Local']);
  });

  it('switches long lines between wrapping and scrolling sideways, saying which it does', () => {
    const { wrap, settings } = renderOptions();

    fireEvent.click(wrap());

    expect(settings.settings().wrap).toBe(false);
    expect(wrap().getAttribute('aria-pressed')).toBe('false');
    expect(wrap().getAttribute('title')).toBe('Long lines scroll sideways; click to wrap them');

    fireEvent.click(wrap());
    expect(settings.settings().wrap).toBe(true);
  });

  it('remembers both choices: the next page opens with them', () => {
    const storage = memoryStorage();
    const first = renderOptions(storage);
    fireEvent.click(first.getByRole('radio', { name: 'UTC' }));
    fireEvent.click(first.wrap());
    first.unmount();

    const next = renderOptions(storage);

    expect(next.checked()).toEqual(['UTC']);
    expect(next.wrap().getAttribute('aria-pressed')).toBe('false');
  });

  it('opens with the defaults when what is stored cannot be read', () => {
    const { checked, wrap } = renderOptions(memoryStorage({ [VIEW_SETTINGS_KEY]: '{"time":"<b>mars</b>","wrap":"yes"' }));

    expect(checked()).toEqual(['Local']);
    expect(wrap().getAttribute('aria-pressed')).toBe('true');
  });

  it('still switches when the browser refuses to store the choice', () => {
    const refusing: SettingsStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    const { getByRole, checked } = renderOptions(refusing);

    fireEvent.click(getByRole('radio', { name: 'UTC' }));

    expect(checked()).toEqual(['UTC']);
  });
});
