/** $connect: the authorizer admitted the connection; record it with the identity it proved. */
import { connect, CredentialRevoked } from '../domain/connect';
import { identityOf } from './identity-context';
import { describeError, requestContext } from './log-context';
import { runtimeDeps, type DepsResolver } from './runtime';
import type { WebSocketHandler } from './websocket-event';

export function connectHandler(resolveDeps: DepsResolver): WebSocketHandler {
  return async (event) => {
    const deps = resolveDeps(event);
    const identity = identityOf(event.requestContext.authorizer);
    if (!identity) {
      // A deployment fault (the route lost its authorizer), not the client's: never admit anyone.
      deps.logger.error('connect without an authorizer identity refused: $connect must use the authorizer', requestContext(event));
      return { statusCode: 500 };
    }
    try {
      await connect(deps, { connectionId: event.requestContext.connectionId, identity, connectedAt: event.requestContext.connectedAt });
      return { statusCode: 200 };
    } catch (error) {
      if (error instanceof CredentialRevoked) {
        deps.logger.warn('connection refused', { ...requestContext(event), status: 403, reason: error.message });
        return { statusCode: 403, body: 'Forbidden' };
      }
      deps.logger.error('connect failed', { ...requestContext(event), ...describeError(error) });
      return { statusCode: 500 };
    }
  };
}

export const handler = connectHandler(runtimeDeps);
