/**
 * Writes the address bar's hash without navigating: history.replaceState, so no history entry
 * (back goes to the link before, not to a keystroke) and no hashchange. Nothing is written when
 * the address holds this hash already.
 */
export function replaceHash(hash: string): void {
  if (hash === window.location.hash) return;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`);
}
