/**
 * A full GC when node runs with --expose-gc (as `npm run bench` does), so one piece of work's
 * garbage is not charged to the next; without the flag figures are noisier but still valid.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}
