/**
 * Loads the real Lambda handlers, one module per API Gateway route, from the same route table
 * the CDK stack deploys — so the local gateway runs exactly the code AWS runs.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WebSocketHandler } from '../../lambdas/handlers/websocket-event';
import type { AuthorizerHandler } from '../../lambdas/handlers/authorizer-event';
import { AUTHORIZER_ENTRY, ROUTE_TABLE, type RouteHandlerEntry } from '../../lambdas/route-table';
import type { GatewayRoutes } from './gateway';
import type { GatewayAuthorizer } from './gateway-authorizer';
import { applyLambdaEnvironment, type LambdaEnvironment } from './lambda-environment';

export class HandlerModuleError extends Error {
  override readonly name = 'HandlerModuleError';
  constructor(readonly problems: readonly string[]) {
    super(`cannot load the Lambda handlers: ${problems.join('; ')}`);
  }
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LoadHandlersOptions {
  /** Default: lambdas/route-table.ts's ROUTE_TABLE. */
  readonly table?: readonly Pick<RouteHandlerEntry, 'routeKey' | 'entry'>[];
  /** What `entry` paths are relative to. Default: the repository root. */
  readonly root?: string;
}

/**
 * Sets the handlers' environment, then imports every route's module. All problems (a missing
 * file, a module without a `handler` function) are reported together.
 */
export async function loadHandlers(env: LambdaEnvironment, options: LoadHandlersOptions = {}): Promise<GatewayRoutes> {
  const table = options.table ?? ROUTE_TABLE;
  const root = options.root ?? REPO_ROOT;
  // Before any import: handler modules may read their configuration as they load.
  applyLambdaEnvironment(env);

  const loaded = await Promise.all(table.map(({ routeKey, entry }) => loadOne(routeKey, entry, resolve(root, entry))));
  const problems = loaded.flatMap((result) => ('problem' in result ? [result.problem] : []));
  if (problems.length > 0) throw new HandlerModuleError(problems);
  return Object.fromEntries(loaded.flatMap((result) => ('handler' in result ? [[result.routeKey, result.handler]] : [])));
}

type Loaded = { readonly routeKey: string; readonly handler: WebSocketHandler } | { readonly problem: string };

async function loadOne(routeKey: string, entry: string, path: string): Promise<Loaded> {
  try {
    await access(path);
  } catch {
    return { problem: `${entry} (route ${routeKey}) does not exist` };
  }
  let module: { handler?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { handler?: unknown };
  } catch (err) {
    return { problem: `${entry} (route ${routeKey}) failed to load: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof module.handler !== 'function') return { problem: `${entry} (route ${routeKey}) does not export a "handler" function` };
  return { routeKey, handler: module.handler as WebSocketHandler };
}

/** The $connect authorizer (lambdas/route-table.ts AUTHORIZER_ENTRY); call after loadHandlers set the environment. */
export async function loadAuthorizer(root = REPO_ROOT): Promise<GatewayAuthorizer> {
  const loaded = await loadOne('$connect authorizer', AUTHORIZER_ENTRY.entry, resolve(root, AUTHORIZER_ENTRY.entry));
  if ('problem' in loaded) throw new HandlerModuleError([loaded.problem]);
  // Loaded like a route's module; its `handler` takes the authorizer event instead.
  return { handler: loaded.handler as unknown as AuthorizerHandler, identitySource: AUTHORIZER_ENTRY.identitySourceQuery };
}
