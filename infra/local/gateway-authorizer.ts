/**
 * The $connect Lambda REQUEST authorizer, run the way API Gateway runs it before $connect:
 *   - the identity source (the `token` query parameter) missing or empty: 401, not invoked;
 *   - the authorizer throws `Unauthorized`: 401; throws anything else, times out or returns no
 *     valid policy: 500;
 *   - a policy that does not allow the $connect method ARN: 403;
 *   - allowed: `{ principalId, integrationLatency, ...context }` becomes `requestContext.authorizer`
 *     of $connect and of every later event of the connection. Context values other than strings,
 *     numbers and booleans make API Gateway fail the handshake (500), and so here.
 */
import type { AuthorizerEvent, AuthorizerHandler } from '../../lambdas/handlers/authorizer-event';
import type { WebSocketAuthorizerContext, WebSocketEvent } from '../../lambdas/handlers/websocket-event';
import type { ApiIdentity } from './gateway-events';
import type { LocalLogger } from './logger';
import { raceTimeout } from './race-timeout';

export interface GatewayAuthorizer {
  readonly handler: AuthorizerHandler;
  /** The query-string parameter that must be present (`route.request.querystring.<name>`). */
  readonly identitySource: string;
}

export type Authorization =
  | { readonly admitted: true; readonly authorizer: WebSocketAuthorizerContext }
  | { readonly admitted: false; readonly statusCode: 401 | 403 | 500; readonly body: string };

const REFUSED = {
  401: { admitted: false, statusCode: 401, body: '{"message":"Unauthorized"}' },
  403: { admitted: false, statusCode: 403, body: '{"message":"Forbidden"}' },
  500: { admitted: false, statusCode: 500, body: '{"message":null}' },
} as const satisfies Record<number, Authorization>;

export async function runAuthorizer(
  authorizer: GatewayAuthorizer,
  connect: WebSocketEvent,
  api: ApiIdentity,
  timeoutMs: number,
  log: LocalLogger,
): Promise<Authorization> {
  if (!connect.queryStringParameters?.[authorizer.identitySource]) return REFUSED[401];
  const methodArn = `arn:aws:execute-api:local:000000000000:${api.apiId}/${api.stage}/$connect`;
  const event: AuthorizerEvent = {
    type: 'REQUEST',
    methodArn,
    ...(connect.headers ? { headers: connect.headers } : {}),
    ...(connect.multiValueHeaders ? { multiValueHeaders: connect.multiValueHeaders } : {}),
    queryStringParameters: connect.queryStringParameters,
    ...(connect.multiValueQueryStringParameters ? { multiValueQueryStringParameters: connect.multiValueQueryStringParameters } : {}),
    stageVariables: {},
    requestContext: connect.requestContext,
  };
  const started = Date.now();
  let result: unknown;
  try {
    result = await raceTimeout(authorizer.handler(structuredClone(event)), timeoutMs, TIMED_OUT);
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return REFUSED[401];
    log.error(`[gateway] $connect authorizer threw (connection ${connect.requestContext.connectionId}); refusing with 500`, error);
    return REFUSED[500];
  }
  if (result === TIMED_OUT) {
    log.error(`[gateway] $connect authorizer did not answer within ${timeoutMs} ms; refusing with 500`);
    return REFUSED[500];
  }
  const decision = readPolicy(result, methodArn);
  if (!decision) {
    log.error(`[gateway] $connect authorizer returned no valid policy (got ${JSON.stringify(result)}); refusing with 500`);
    return REFUSED[500];
  }
  if (!decision.allowed) return REFUSED[403];
  return { admitted: true, authorizer: { ...decision.context, principalId: decision.principalId, integrationLatency: Date.now() - started } };
}

const TIMED_OUT = Symbol('timed out');

type Decision = { readonly principalId: string; readonly allowed: boolean; readonly context: Record<string, string | number | boolean> };

function readPolicy(result: unknown, methodArn: string): Decision | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const { principalId, policyDocument, context } = result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown };
  if (typeof principalId !== 'string' || !Array.isArray(policyDocument?.Statement)) return undefined;
  const statements = policyDocument.Statement as { Effect?: unknown; Resource?: unknown; Action?: unknown }[];
  const covers = (statement: (typeof statements)[number]) =>
    [statement.Resource].flat().some((resource) => typeof resource === 'string' && arnMatches(resource, methodArn));
  // As in IAM, an explicit Deny wins over any Allow.
  const denied = statements.some((s) => s.Effect === 'Deny' && covers(s));
  const allowed = !denied && statements.some((s) => s.Effect === 'Allow' && covers(s));
  if (context !== undefined && (context === null || typeof context !== 'object')) return undefined;
  const entries = Object.entries((context ?? {}) as Record<string, unknown>);
  if (!entries.every(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))) return undefined;
  return { principalId, allowed, context: Object.fromEntries(entries) as Decision['context'] };
}

/** IAM resource matching: `*` matches any run of characters. */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(arn);
}
