/**
 * The viewer token: handed over once in the URL hash (`#token=…`, never sent to the server by
 * the browser), then kept in localStorage and removed from the address bar.
 *
 * A storage that refuses (private mode, full) throws nothing out of here, as for the view
 * remembered (session/view-memory.ts): the token handed over still works for this page, and is
 * asked for again on the next load.
 */

export const TOKEN_STORAGE_KEY = 'sidetail.viewerToken';

/** The part of Web Storage we use, so node tests can pass a Map-backed fake. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface HashToken {
  /** The token from the hash, if it held a non-empty one. */
  readonly token: string | undefined;
  /** The hash with the token removed ("" when nothing else was in it). */
  readonly hash: string;
}

function read(storage: TokenStorage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function write(storage: TokenStorage, change: (storage: TokenStorage) => void): void {
  try {
    change(storage);
  } catch {
    // Storage full or refused: the token holds for this page only.
  }
}

export function takeTokenFromHash(hash: string): HashToken {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  if (token === undefined) return { token: undefined, hash };
  params.delete('token');
  const rest = params.toString();
  return { token: token === '' ? undefined : token, hash: rest === '' ? '' : `#${rest}` };
}

/** Picks the token from the hash if present (and stores it), else from storage. */
export function resolveViewerToken(hash: string, storage: TokenStorage): HashToken {
  const fromHash = takeTokenFromHash(hash);
  if (fromHash.token !== undefined) {
    saveViewerToken(storage, fromHash.token);
    return fromHash;
  }
  const stored = read(storage, TOKEN_STORAGE_KEY)?.trim();
  return { token: stored === undefined || stored === '' ? undefined : stored, hash: fromHash.hash };
}

export function saveViewerToken(storage: TokenStorage, token: string): void {
  write(storage, (s) => s.setItem(TOKEN_STORAGE_KEY, token));
}

export function forgetViewerToken(storage: TokenStorage): void {
  write(storage, (s) => s.removeItem(TOKEN_STORAGE_KEY));
  write(storage, (s) => s.removeItem(ACCEPTED_TOKEN_KEY));
}

/**
 * The token a connection last opened with. A refused token and an unreachable server look the
 * same to the browser (the WebSocket handshake fails, close code 1006, no HTTP status), so what
 * this browser knows decides what to say: a token that never opened a connection is taken as
 * refused, one that has as the server being unreachable.
 */
export const ACCEPTED_TOKEN_KEY = 'sidetail.viewerTokenAccepted';

export function markViewerTokenAccepted(storage: TokenStorage, token: string): void {
  write(storage, (s) => s.setItem(ACCEPTED_TOKEN_KEY, token));
}

export function viewerTokenAccepted(storage: TokenStorage, token: string): boolean {
  return read(storage, ACCEPTED_TOKEN_KEY) === token;
}
