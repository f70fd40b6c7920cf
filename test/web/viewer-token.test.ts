import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_TOKEN_KEY,
  forgetViewerToken,
  markViewerTokenAccepted,
  viewerTokenAccepted,
  resolveViewerToken,
  saveViewerToken,
  takeTokenFromHash,
  TOKEN_STORAGE_KEY,
  type TokenStorage,
} from '../../web/src/config/viewer-token';

function memoryStorage(initial: Record<string, string> = {}): TokenStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/** A storage that refuses every call (full, or a private mode that refuses writes). */
const refusingStorage: TokenStorage = {
  getItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  },
  removeItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
};

describe('takeTokenFromHash', () => {
  it.each([
    ['#token=abc', 'abc', ''],
    ['#token=a%2Bb%3D', 'a+b=', ''],
    ['#token=abc&view=x', 'abc', '#view=x'],
    ['#view=x', undefined, '#view=x'],
    ['', undefined, ''],
    ['#token=', undefined, ''],
  ])('reads %j as token %j leaving hash %j', (hash, token, rest) => {
    expect(takeTokenFromHash(hash)).toEqual({ token, hash: rest });
  });
});

describe('resolveViewerToken', () => {
  it('takes the token from the hash and stores it', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old' });

    const result = resolveViewerToken('#token=new', storage);

    expect(result).toEqual({ token: 'new', hash: '' });
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('falls back to the stored token when the hash has none', () => {
    expect(resolveViewerToken('', memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' }))).toEqual({ token: 'kept', hash: '' });
  });

  it('has no token when neither the hash nor storage has one', () => {
    expect(resolveViewerToken('#x=1', memoryStorage())).toEqual({ token: undefined, hash: '#x=1' });
  });

  it('forgets the stored token', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' });

    forgetViewerToken(storage);

    expect(resolveViewerToken('', storage).token).toBeUndefined();
  });
});

describe('the token a connection opened with', () => {
  it('is remembered as accepted, for that token only', () => {
    const storage = memoryStorage();
    markViewerTokenAccepted(storage, 'good');
    expect(viewerTokenAccepted(storage, 'good')).toBe(true);
    expect(viewerTokenAccepted(storage, 'other')).toBe(false);
  });

  it('is forgotten with the token', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'good', [ACCEPTED_TOKEN_KEY]: 'good' });
    forgetViewerToken(storage);
    expect(viewerTokenAccepted(storage, 'good')).toBe(false);
  });
});

describe('a storage that refuses', () => {
  it('still yields the token of the hash, for this page only, and throws nothing', () => {
    expect(resolveViewerToken('#token=new&q=x', refusingStorage)).toEqual({ token: 'new', hash: '#q=x' });
    expect(resolveViewerToken('#q=x', refusingStorage)).toEqual({ token: undefined, hash: '#q=x' });
  });

  it('keeps, forgets and marks nothing, and throws nothing', () => {
    expect(() => saveViewerToken(refusingStorage, 'new')).not.toThrow();
    expect(() => forgetViewerToken(refusingStorage)).not.toThrow();
    expect(() => markViewerTokenAccepted(refusingStorage, 'new')).not.toThrow();
    expect(viewerTokenAccepted(refusingStorage, 'new')).toBe(false);
  });
});
