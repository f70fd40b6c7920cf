/**
 * $default: API Gateway sends here whatever matched no route — text that is not JSON, JSON
 * without an action, or an action nobody serves. Each gets its own error. A known action (which
 * API Gateway routes elsewhere) is handled as its route would, so nothing depends on routing.
 */
import * as z from 'zod/mini';
import { decode, isClientAction, ProtocolError } from '../../protocol';
import { answerError, handleMessage } from './message-handler';
import { bodyText } from './event-body';
import { describeError, requestContext } from './log-context';
import { runtimeDeps, type DepsResolver } from './runtime';
import type { WebSocketHandler } from './websocket-event';

const AnyAction = z.object({ action: z.string().check(z.minLength(1)) });

export function defaultHandler(resolveDeps: DepsResolver): WebSocketHandler {
  return async (event, lambdaContext) => {
    const deps = resolveDeps(event);
    try {
      const decoded = decode(AnyAction, bodyText(event));
      if (!decoded.ok) throw decoded.error;
      const { action } = decoded.value;
      if (isClientAction(action)) return await handleMessage(action, event, () => deps, lambdaContext);
      throw new ProtocolError('unknown_action', `no route for action ${JSON.stringify(action)}`, action);
    } catch (error) {
      if (error instanceof ProtocolError) {
        deps.logger.warn('message rejected', { ...requestContext(event), code: error.code, reason: error.message });
        await answerError(deps, event, error.code, error.message, error.requestAction);
        return { statusCode: 200 };
      }
      deps.logger.error('default route failed', { ...requestContext(event), ...describeError(error) });
      await answerError(deps, event, 'internal', 'the cloud failed to handle this message; it is safe to retry');
      return { statusCode: 500 };
    }
  };
}

export const handler = defaultHandler(runtimeDeps);
