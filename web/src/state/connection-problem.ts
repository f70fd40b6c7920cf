/**
 * What to tell the reader when the dashboard cannot connect. The browser is not told why a
 * WebSocket handshake failed (a $connect refusing the token and a server that cannot be reached
 * both end in close code 1006), so: no connection of this session has opened and one attempt
 * has failed — with a token no connection ever opened with in this browser, the token was
 * refused; with one that worked before, the server is unreachable. Pure.
 */
import type { ConnectionState } from '../api/viewer-connection';

export type ConnectionProblem = 'token-refused' | 'unreachable';

export function connectionProblem(state: Pick<ConnectionState, 'everOpened' | 'attempt'>, tokenAcceptedBefore: boolean): ConnectionProblem | undefined {
  if (state.everOpened || state.attempt === 0) return undefined;
  return tokenAcceptedBefore ? 'unreachable' : 'token-refused';
}
