/**
 * The one path every client message takes: decode the body for its route → take the connection's
 * identity from `requestContext.authorizer` (what the $connect authorizer proved; no look-up)
 * → check its role may send the action → run the domain function. A rejected message is answered
 * with `error` on the same connection and nothing else happens; an unexpected failure is logged
 * with its context, answered with `error` internal, and returns 500.
 */
import {
  byteLength,
  decodeClientMessage,
  errorMessage,
  maySend,
  ProtocolError,
  type ClientAction,
  type ClientMessage,
  type ErrorCode,
} from '../../protocol';
import { DEFAULT_TIME_BUDGET_MS, deliver } from '../domain/deliver';
import type { Caller, Deps } from '../domain/ports';
import { ACTION_RUNNERS, type ActionRunner } from './action-runners';
import { batchRefusal, type BatchRefusal } from './batch-refusal';
import { bodyText } from './event-body';
import { identityOf } from './identity-context';
import { describeError, requestContext } from './log-context';
import { subscribeRefusal, type SubscribeRefusal } from './subscribe-refusal';
import type { DepsResolver } from './runtime';
import type { LambdaContext, WebSocketEvent, WebSocketHandler, WebSocketResult } from './websocket-event';

export function messageHandler(action: ClientAction, resolveDeps: DepsResolver): WebSocketHandler {
  return (event, lambdaContext) => handleMessage(action, event, resolveDeps, lambdaContext);
}

export async function handleMessage(
  action: ClientAction,
  event: WebSocketEvent,
  resolveDeps: DepsResolver,
  lambdaContext?: LambdaContext,
): Promise<WebSocketResult> {
  const context = { ...requestContext(event), action };
  let deps: Deps;
  try {
    deps = withDeadline(resolveDeps(event), lambdaContext);
  } catch (error) {
    // Without dependencies there is no way to answer; the log is the only trace.
    console.error(JSON.stringify({ level: 'error', message: 'cannot build dependencies', ...context, ...describeError(error) }));
    return { statusCode: 500 };
  }

  try {
    const body = bodyText(event);
    const decoded = decodeClientMessage(action, body);
    if (!decoded.ok) throw decoded.error;
    const caller = loadCaller(event, action, byteLength(body ?? ''));
    const run = ACTION_RUNNERS[action] as ActionRunner<ClientAction>;
    await run(deps, caller, decoded.value as ClientMessage<ClientAction>);
    return { statusCode: 200 };
  } catch (error) {
    if (error instanceof ProtocolError) {
      const refusal = refusalOf(action, event, error.code);
      deps.logger.warn('message rejected', { ...context, code: error.code, reason: error.message, ...refusal });
      await answerError(deps, event, error.code, error.message, error.requestAction ?? action, refusal);
      return { statusCode: 200 };
    }
    const refusal = refusalOf(action, event, 'internal');
    deps.logger.error('message failed', { ...context, ...describeError(error), ...refusal });
    await answerError(deps, event, 'internal', 'the cloud failed to handle this message; it is safe to retry', action, refusal);
    return { statusCode: 500 };
  }
}

function loadCaller(event: WebSocketEvent, action: ClientAction, messageBytes: number): Caller {
  const identity = identityOf(event.requestContext.authorizer);
  if (!identity) throw new ProtocolError('forbidden', 'this connection carries no identity from the $connect authorizer: reconnect');
  if (!maySend(identity.role, action)) {
    throw new ProtocolError('forbidden', `a ${identity.role} connection may not send ${action}`);
  }
  const { connectionId, connectedAt, requestTimeEpoch } = event.requestContext;
  return {
    connectionId,
    role: identity.role,
    ...(identity.agentId ? { agentId: identity.agentId } : {}),
    connectedAt,
    requestTime: requestTimeEpoch,
    messageBytes,
  };
}

/** A refused log.batch or log.subscribe names what it refused and says whether to retry; other refusals need not. */
function refusalOf(action: ClientAction, event: WebSocketEvent, code: ErrorCode): BatchRefusal | SubscribeRefusal {
  if (action === 'log.batch') return batchRefusal(bodyText(event), code);
  if (action === 'log.subscribe') return subscribeRefusal(bodyText(event), code);
  return {};
}

/** The invocation's deadline, from Lambda's remaining time when the runtime gives it. */
function withDeadline(deps: Deps, lambdaContext: LambdaContext | undefined): Deps {
  const remaining = lambdaContext?.getRemainingTimeInMillis();
  return { ...deps, deadline: deps.clock.now() + (remaining ?? DEFAULT_TIME_BUDGET_MS) };
}

/**
 * Sends `error` to the caller, with a broadcast's retries (the post that failed the message may
 * have been throttled, and this one tells the client to try again). Best effort: a failure here
 * is logged, never thrown over the original one.
 */
export async function answerError(
  deps: Deps,
  event: WebSocketEvent,
  code: ErrorCode,
  message: string,
  requestAction?: string,
  refusal: BatchRefusal | SubscribeRefusal = {},
): Promise<void> {
  try {
    const { failed } = await deliver(deps, [event.requestContext.connectionId], { ...errorMessage(code, message, requestAction), ...refusal });
    if (failed.length > 0) deps.logger.error('could not send error to caller', { ...requestContext(event), code });
  } catch (error) {
    deps.logger.error('could not send error to caller', { ...requestContext(event), code, ...describeError(error) });
  }
}
