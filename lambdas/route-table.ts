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
