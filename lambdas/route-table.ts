/**
 * Which handler serves which API Gateway route. The CDK stack makes one Lambda per entry and the
 * local gateway imports the same files, so the two can never disagree.
 */
import { CLIENT_ACTIONS, type ClientAction } from '../protocol';

export type RouteKey = '$connect' | '$disconnect' | '$default' | ClientAction;

export interface RouteHandlerEntry {
  readonly routeKey: RouteKey;
  /** PascalCase, used for construct ids and function names. */
  readonly name: string;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
}

const SPECIAL: RouteHandlerEntry[] = [
  { routeKey: '$connect', name: 'Connect', entry: 'lambdas/handlers/connect.ts' },
  { routeKey: '$disconnect', name: 'Disconnect', entry: 'lambdas/handlers/disconnect.ts' },
  { routeKey: '$default', name: 'Default', entry: 'lambdas/handlers/default.ts' },
];

/** "log.subscribe" → { name: "LogSubscribe", entry: "lambdas/handlers/log-subscribe.ts" } */
export const ROUTE_TABLE: readonly RouteHandlerEntry[] = [
  ...SPECIAL,
  ...CLIENT_ACTIONS.map((action) => ({
    routeKey: action,
    name: action
      .split('.')
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join(''),
    entry: `lambdas/handlers/${action.replaceAll('.', '-')}.ts`,
  })),
];

/**
 * The $connect REQUEST authorizer: not a route of its own, but deployed (CDK) and run by the local
 * gateway from this one entry, with the token in the query string as its identity source.
 */
export const AUTHORIZER_ENTRY = {
  name: 'Authorizer',
  entry: 'lambdas/handlers/authorize.ts',
  /** `route.request.querystring.token`: without it API Gateway answers 401 and never invokes it. */
  identitySourceQuery: 'token',
} as const;
