/** API Gateway WebSocket events for handler specs, shaped like lambdas/handlers/websocket-event.ts. */
import type { Identity } from '../../../lambdas/domain/ports';
import { identityContext } from '../../../lambdas/handlers/identity-context';
import type { WebSocketAuthorizerContext, WebSocketEvent } from '../../../lambdas/handlers/websocket-event';

/** What API Gateway puts on every event of a connection its authorizer admitted as `identity`. */
export function authorizerContext(identity: Identity): WebSocketAuthorizerContext {
  return { principalId: identity.credentialId, integrationLatency: 12, ...identityContext(identity) };
}

/** The identities of the connections the in-memory world's helpers create (addAgent, addViewer). */
export const AGENT_IDENTITY: Identity = { credentialId: 'cred-agent', role: 'agent', agentId: 'host-1' };
export const VIEWER_IDENTITY: Identity = { credentialId: 'cred-viewer', role: 'viewer' };

export function messageEvent(
  routeKey: string,
  connectionId: string,
  body: string | undefined,
  isBase64Encoded = false,
  identity?: Identity,
): WebSocketEvent {
  return {
    requestContext: {
      routeKey,
      eventType: 'MESSAGE',
      connectionId,
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      stage: 'prod',
      apiId: 'abc123',
      connectedAt: 0,
      requestId: 'req-1',
      extendedRequestId: 'ext-1',
      requestTimeEpoch: 0,
      requestTime: '25/Nov/2026:12:00:00 +0000',
      messageDirection: 'IN',
      messageId: 'msg-1',
      identity: { sourceIp: '127.0.0.1' },
      ...(identity ? { authorizer: authorizerContext(identity) } : {}),
    },
    body,
    isBase64Encoded,
  };
}

export function connectEvent(connectionId: string, identity?: Identity): WebSocketEvent {
  const event = messageEvent('$connect', connectionId, undefined, false, identity);
  return { ...event, requestContext: { ...event.requestContext, eventType: 'CONNECT' } };
}

export function disconnectEvent(connectionId: string, identity?: Identity): WebSocketEvent {
  const event = messageEvent('$disconnect', connectionId, undefined, false, identity);
  return { ...event, requestContext: { ...event.requestContext, eventType: 'DISCONNECT' } };
}
