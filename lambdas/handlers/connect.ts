/** $connect: admit the connection with the role its token proves, or refuse the handshake. */
import { ConnectionRefused } from '../domain/authorize-connection';
import { connect } from '../domain/connect';
import { describeError, requestContext } from './log-context';
import { runtimeDeps, type DepsResolver } from './runtime';
import type { WebSocketHandler } from './websocket-event';

export function connectHandler(resolveDeps: DepsResolver): WebSocketHandler {
  return async (event) => {
    const deps = resolveDeps(event);
    const query = event.queryStringParameters ?? {};
    try {
      await connect(deps, { connectionId: event.requestContext.connectionId, role: query.role, token: query.token });
      return { statusCode: 200 };
    } catch (error) {
      if (error instanceof ConnectionRefused) {
        deps.logger.warn('connection refused', { ...requestContext(event), status: error.statusCode, reason: error.message });
        return { statusCode: error.statusCode, body: error.message };
      }
      deps.logger.error('connect failed', { ...requestContext(event), ...describeError(error) });
      return { statusCode: 500 };
    }
  };
}

export const handler = connectHandler(runtimeDeps);
