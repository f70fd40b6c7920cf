/**
 * Sidetail in the cloud, in the order data flows:
 *
 *   agent / browser ──wss──▶ WebSocket API (route = message `action`) ──▶ one Lambda per route
 *                            │ $connect: authorizer Lambda (token → credential)                │
 *                            ▼                                                                 │
 *                                     DynamoDB LogTable (TTL) ◀────────────┤
 *                     @connections (PostToConnection) ◀─────────────────────┘
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Construct } from 'constructs';
import { CREDENTIALS_PK } from '../../lambdas/adapters/keys';
import { AUTHORIZER_ENTRY, ROUTE_TABLE } from '../../lambdas/route-table';
import { HouseFunction } from '../constructs/house-function';
import { InvalidPropsError } from '../constructs/invalid-props-error';
import { LogTable } from '../constructs/log-table';
import { WebSocketApi } from '../constructs/web-socket-api';
import { ROUTE_THROTTLING } from '../route-throttling';

/** ROUTE_TABLE entries are relative to the repository root; resolve them from this file, not the cwd. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SidetailStackProps extends StackProps {
  /** Newest lines kept per container (BUFFER_LINES). @default 1000 */
  readonly bufferLines?: number;
  /** Lifetime of a stored batch in seconds (BUFFER_TTL_SECONDS). @default 86400 (24 h) */
  readonly bufferTtlSeconds?: number;
  /** WebSocket stage, the last path segment of the URL. @default 'live' */
  readonly stageName?: string;
  /** Applies to the table and the function logs. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class SidetailStack extends Stack {
  public readonly logTable: LogTable;
  /** The $connect REQUEST authorizer's function (AUTHORIZER_ENTRY). */
  public readonly authorizerFunction: HouseFunction;
  /** One function per ROUTE_TABLE entry, by route key. */
  public readonly functions: ReadonlyMap<string, HouseFunction>;
  public readonly webSocketApi: WebSocketApi;

  constructor(scope: Construct, id: string, props: SidetailStackProps = {}) {
    super(scope, id, props);
    const bufferLines = positiveInteger('bufferLines', props.bufferLines ?? 1000);
    const bufferTtlSeconds = positiveInteger('bufferTtlSeconds', props.bufferTtlSeconds ?? 86_400);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // 1. Storage: connections, subscriptions, agents and the per-container line buffer.
    this.logTable = new LogTable(this, 'LogTable', { removalPolicy });

    // 2. Who may connect: the authorizer reads credentials (hashed, in the table) at run time, so
    //    no secret is in any function's environment and rotating one needs no deploy. It may only
    //    GetItem under CREDENTIALS.
    this.authorizerFunction = new HouseFunction(this, `${AUTHORIZER_ENTRY.name}Handler`, {
      entry: join(REPO_ROOT, AUTHORIZER_ENTRY.entry),
      description: 'Sidetail $connect authorizer: token to credential',
      table: this.logTable.table,
      tableAccess: { getItemUnder: [CREDENTIALS_PK] },
      logRemovalPolicy: removalPolicy,
    });
    const connectAuthorizer = new WebSocketLambdaAuthorizer('ConnectAuthorizer', this.authorizerFunction.function, {
      identitySource: [`route.request.querystring.${AUTHORIZER_ENTRY.identitySourceQuery}`],
    });

    // 3. One Lambda per route, all on the same table with the same buffer settings.
    const environment = {
      BUFFER_LINES: String(bufferLines),
      BUFFER_TTL_SECONDS: String(bufferTtlSeconds),
    };
    this.functions = new Map(
      ROUTE_TABLE.map((route) => [
        route.routeKey,
        new HouseFunction(this, `${route.name}Handler`, {
          entry: join(REPO_ROOT, route.entry),
          description: `Sidetail WebSocket route ${route.routeKey}`,
          table: this.logTable.table,
          environment,
          logRemovalPolicy: removalPolicy,
        }),
      ]),
    );

    // 4. The WebSocket API: route selection on `action`, auto-deployed stage, @connections grants.
    this.webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      apiName: `${this.stackName}-websocket`,
      description: 'Sidetail: agents push container logs, viewers subscribe to them',
      stageName: props.stageName,
      routes: [...this.functions].map(([routeKey, fn]) => ({ routeKey, handler: fn.function })),
      // The same buckets the local gateway enforces (infra/route-throttling.ts).
      throttle: ROUTE_THROTTLING.default,
      routeThrottles: ROUTE_THROTTLING.routes,
      connectAuthorizer,
    });

    // 5. The dashboard (S3 + CloudFront + a config.json carrying `url` below) is a later issue:
    //    it plugs in here as `new DashboardSite(this, 'Dashboard', { webSocketUrl: this.webSocketApi.url })`.

    new CfnOutput(this, 'WebSocketUrl', {
      description: 'Where agents and the dashboard connect (?role=agent|viewer&token=<credentialId>.<secret>)',
      value: this.webSocketApi.url,
    });
    new CfnOutput(this, 'ConnectionsEndpoint', {
      description: 'The @connections management endpoint the Lambdas post to',
      value: this.webSocketApi.connectionsEndpoint,
    });
    new CfnOutput(this, 'TableName', { value: this.logTable.table.tableName });
    new CfnOutput(this, 'CredentialsEnvironment', {
      description: 'Prefix for `npm run credentials -- mint --agent <id> | mint --viewer | list | revoke <credentialId>`',
      value: Fn.join('', [
        'SIDETAIL_TABLE=',
        this.logTable.table.tableName,
        ' AWS_REGION=',
        this.region,
        ' SIDETAIL_CONNECTIONS_ENDPOINT=',
        this.webSocketApi.connectionsEndpoint,
      ]),
    });
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidPropsError('SidetailStack', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
