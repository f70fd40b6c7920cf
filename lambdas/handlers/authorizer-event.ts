/**
 * What API Gateway gives a WebSocket API's Lambda REQUEST authorizer on $connect, and what it
 * expects back (docs: "Control access to WebSocket APIs with AWS Lambda REQUEST authorizers").
 *   - No identity source (here `route.request.querystring.token`): the client gets 401 and the
 *     authorizer is not invoked at all.
 *   - A policy that denies `methodArn`: the client gets 403.
 *   - Throwing `Error('Unauthorized')`: 401. Any other failure: 500.
 *   - Allow: $connect runs, and `principalId` plus every `context` key (string, number or boolean
 *     values only) appear as `requestContext.authorizer` on every event of the connection.
 */
import type { WebSocketRequestContext } from './websocket-event';

export interface AuthorizerEvent {
  readonly type: 'REQUEST';
  /** arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/$connect */
  readonly methodArn: string;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
  readonly stageVariables?: Record<string, string>;
  readonly requestContext: WebSocketRequestContext;
}

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: string }[];
  };
  readonly context?: Readonly<Record<string, string | number | boolean>>;
}

export type AuthorizerHandler = (event: AuthorizerEvent) => Promise<AuthorizerResult>;

export function policy(principalId: string, effect: 'Allow' | 'Deny', resource: string, context?: AuthorizerResult['context']): AuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
    ...(context ? { context } : {}),
  };
}
