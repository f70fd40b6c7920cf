/** $disconnect: forget the connection and everything hanging off it. */
import { disconnect } from '../domain/disconnect';
import { describeError, requestContext } from './log-context';
import { runtimeDeps, type DepsResolver } from './runtime';
import type { WebSocketHandler } from './websocket-event';

export function disconnectHandler(resolveDeps: DepsResolver): WebSocketHandler {
  return async (event) => {
    const deps = resolveDeps(event);
    try {
      await disconnect(deps, event.requestContext.connectionId);
      return { statusCode: 200 };
    } catch (error) {
      // What is left expires (connection items live 3 h) or is removed on its first 410.
      deps.logger.error('disconnect clean-up failed', { ...requestContext(event), ...describeError(error) });
      return { statusCode: 500 };
    }
  };
}

export const handler = disconnectHandler(runtimeDeps);
