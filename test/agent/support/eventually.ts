import { vi } from 'vitest';

/**
 * vi.waitFor with room for a loaded two-core CI machine. The conditions normally hold within
 * milliseconds; the default one-second limit made these specs fail under load, not the code.
 */
export function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 10_000, interval: 20 });
}
