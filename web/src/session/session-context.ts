/** Hands the session's stores and actions to components without threading props through every level. */
import { createContext, useContext } from 'solid-js';
import type { Session } from './create-session';

export class MissingSessionError extends Error {
  override readonly name = 'MissingSessionError';
  constructor() {
    super('useSession() was called outside <SessionContext.Provider>');
  }
}

export const SessionContext = createContext<Session>();

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new MissingSessionError();
  return session;
}
