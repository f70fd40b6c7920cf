/**
 * The view remembered across reloads (session/view-memory.ts): the containers shown and their
 * layout, read back as stored, and whatever else storage holds ignored, never thrown.
 */
import { describe, expect, it } from 'vitest';
import { createViewMemory, LAYOUT_KEY, SELECTED_KEY, type ViewStorage } from '../../web/src/session/view-memory';
import { container, host } from './host-fixtures';

const web = { agentId: 'agent-1', containerId: 'web' };
const db = { agentId: 'agent-1', containerId: 'db' };
const cache = { agentId: 'agent-2', containerId: 'cache' };
const hosts = [
  { ...host('agent-1', '2026-11-25T12:00:00Z', { containers: [container('web'), container('db')] }), reportedAt: {} },
  { ...host('agent-2', '2026-11-25T12:00:00Z', { containers: [container('cache')] }), reportedAt: {} },
];

const memoryStorage = (entries: Record<string, string> = {}): ViewStorage & { readonly saved: Map<string, string> } => {
  const saved = new Map(Object.entries(entries));
  return { saved, getItem: (key) => saved.get(key) ?? null, setItem: (key, value) => void saved.set(key, value) };
};
/** Storage as a browser refuses it (private mode, disabled): every call throws. */
const refusing: ViewStorage = {
  getItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  },
};

describe('the view remembered across reloads', () => {
  it('reads back the containers shown and their layout, as they were', () => {
    const storage = memoryStorage();
    const before = createViewMemory(storage);
    before.remember([db, cache]);
    before.rememberLayout('panes');

    const after = createViewMemory(storage);

    expect(after.recall(hosts)).toEqual([db, cache]);
    expect(after.recallLayout()).toBe('panes');
  });

  it('remembers a layout chosen again over the one before', () => {
    const memory = createViewMemory(memoryStorage());
    memory.rememberLayout('panes');
    memory.rememberLayout('merged');
    expect(memory.recallLayout()).toBe('merged');
  });

  it('reads a single container stored before several could be shown', () => {
    expect(createViewMemory(memoryStorage({ [SELECTED_KEY]: 'agent-1/web' })).recall(hosts)).toEqual([web]);
  });

  it('keeps the containers remembered when nothing is shown', () => {
    const storage = memoryStorage();
    const memory = createViewMemory(storage);
    memory.remember([web]);
    memory.remember([]);
    expect(memory.recall(hosts)).toEqual([web]);
  });

  it('remembers nothing of a layout or containers while none was stored', () => {
    const memory = createViewMemory(memoryStorage());
    expect(memory.recallLayout()).toBeUndefined();
    expect(memory.recall(hosts)).toEqual([]);
  });

  it.each([
    ['a layout no view has', 'sideways'],
    ['a layout in another case', 'Panes'],
    ['JSON', '{"layout":"panes"}'],
    ['a name of Object.prototype', 'constructor'],
    ['an empty value', ''],
  ])('ignores %s stored as the layout', (_, stored) => {
    expect(createViewMemory(memoryStorage({ [LAYOUT_KEY]: stored })).recallLayout()).toBeUndefined();
  });

  it.each([
    ['containers the inventory does not hold', 'agent-9/gone,agent-1/db'],
    ['what is not a container key', '{"selected":"agent-1/web"},agent-1/db,,__proto__'],
  ])('ignores %s among the containers stored', (_, stored) => {
    expect(createViewMemory(memoryStorage({ [SELECTED_KEY]: stored })).recall(hosts)).toEqual([db]);
  });

  it('remembers nothing, and throws nothing, when the browser refuses its storage', () => {
    const memory = createViewMemory(refusing);
    expect(() => {
      memory.remember([web]);
      memory.rememberLayout('panes');
    }).not.toThrow();
    expect(memory.recall(hosts)).toEqual([]);
    expect(memory.recallLayout()).toBeUndefined();
  });
});
