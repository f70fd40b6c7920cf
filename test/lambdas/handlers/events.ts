/** API Gateway WebSocket events for handler specs, shaped like lambdas/handlers/websocket-event.ts. */
import type { WebSocketEvent } from '../../../lambdas/handlers/websocket-event';

export function messageEvent(routeKey: string, connectionId: string, body: string | undefined, isBase64Encoded = false): WebSocketEvent {
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
    },
    body,
    isBase64Encoded,
  };
}

export function connectEvent(connectionId: string, query?: Record<string, string>): WebSocketEvent {
  const event = messageEvent('$connect', connectionId, undefined);
  return { ...event, requestContext: { ...event.requestContext, eventType: 'CONNECT' }, queryStringParameters: query };
}

export function disconnectEvent(connectionId: string): WebSocketEvent {
  const event = messageEvent('$disconnect', connectionId, undefined);
  return { ...event, requestContext: { ...event.requestContext, eventType: 'DISCONNECT' } };
}
