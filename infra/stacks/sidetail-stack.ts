/**
 * Sidetail in the cloud, in the order data flows:
 *
 *   agent / browser ──wss──▶ WebSocket API (route = message `action`) ──▶ one Lambda per route
 *          ▲                 │ $connect: authorizer Lambda (token → credential)                │
 *          │                 ▼                                                                 │
 *   DashboardSite            access logs, alarms ──▶ (e-mail)     DynamoDB LogTable (TTL) ◀────┤
 *   (S3 + CloudFront,                           @connections (PostToConnection) ◀──────────────┘
 *    config.json = wss URL)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AUTHORIZER_ENTRY, ROUTE_TABLE } from '../../lambdas/route-table';
import { ApiGatewayAccountLogging } from '../constructs/api-gateway-account-logging';
import { BatchBucket } from '../constructs/batch-bucket';
import { DashboardSite } from '../constructs/dashboard-site';
import { HouseFunction } from '../constructs/house-function';
import { InvalidPropsError } from '../constructs/invalid-props-error';
import { LogTable } from '../constructs/log-table';
import { OperationsAlarms } from '../constructs/operations-alarms';
import { WebSocketApi } from '../constructs/web-socket-api';
import { ROUTE_THROTTLING } from '../route-throttling';
import { AUTHORIZER_ACCESS, batchBodyAccessOf, ROUTE_ACCESS, tableGrantsOf, type RouteAccess } from './route-access';

/** ROUTE_TABLE entries are relative to the repository root; resolve them from this file, not the cwd. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run build:web`'s output (web/vite.config.ts: outDir 'dist'). */
export const DEFAULT_DASHBOARD_DIRECTORY = join(REPO_ROOT, 'web/dist');

export interface SidetailStackProps extends StackProps {
  /** Newest lines kept per container (BUFFER_LINES). @default 1000 */
  readonly bufferLines?: number;
  /** Lifetime of a stored batch in seconds (BUFFER_TTL_SECONDS). @default 86400 (24 h) */
  readonly bufferTtlSeconds?: number;
  /** WebSocket stage, the last path segment of the URL. @default 'live' */
  readonly stageName?: string;
  /**
   * The table, the dashboard bucket and every log group: RETAIN keeps them when the stack is
   * deleted (production), DESTROY deletes them (a trial). @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** How long function, access and deployment logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Mail the alarms to this address (it must confirm SNS's subscription mail). @default no e-mail */
  readonly alarmEmail?: string;
  /**
   * Set this account and region's API Gateway CloudWatch role (ApiGatewayAccountLogging), which
   * the stage's access and error logs need. False where the account has that role set already
   * (one per account and region, shared by every API): the stack then leaves it alone.
   * @default true
   */
  readonly createApiGatewayLogRole?: boolean;
  /** The built dashboard (index.html and its assets). @default DEFAULT_DASHBOARD_DIRECTORY (web/dist) */
  readonly dashboardDirectory?: string;
}

export class SidetailStack extends Stack {
  public readonly logTable: LogTable;
  public readonly batchBucket: BatchBucket;
  /** The $connect REQUEST authorizer's function (AUTHORIZER_ENTRY). */
  public readonly authorizerFunction: HouseFunction;
  /** One function per ROUTE_TABLE entry, by route key. */
  public readonly functions: ReadonlyMap<string, HouseFunction>;
  public readonly webSocketApi: WebSocketApi;
  public readonly accessLogs: logs.LogGroup;
  /** Present unless `createApiGatewayLogRole` is false. */
  public readonly apiGatewayAccountLogging: ApiGatewayAccountLogging | undefined;
  public readonly dashboard: DashboardSite;
  public readonly alarms: OperationsAlarms;

  constructor(scope: Construct, id: string, props: SidetailStackProps = {}) {
    super(scope, id, props);
    const bufferLines = positiveInteger('bufferLines', props.bufferLines ?? 1000);
    const bufferTtlSeconds = positiveInteger('bufferTtlSeconds', props.bufferTtlSeconds ?? 86_400);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    // 1. Storage: connections, subscriptions, agents, credentials and the per-container line buffer;
    //    a flood's batches keep their compressed lines in the batch bucket (an S3 PUT costs what
    //    8 KB written to DynamoDB costs, whatever its size: docs/cost.md).
    this.logTable = new LogTable(this, 'LogTable', { removalPolicy });
    this.batchBucket = new BatchBucket(this, 'BatchBucket', { removalPolicy, bufferTtlSeconds });
    const houseFunction = (constructId: string, entry: string, description: string, access: RouteAccess, environment?: Record<string, string>) => {
      const grants = tableGrantsOf(access);
      return new HouseFunction(this, constructId, {
        entry: join(REPO_ROOT, entry),
        description,
        // lambdas/config.ts requires TABLE_NAME of every function, even of one that never uses it.
        table: this.logTable.table,
        tableAccess: grants ? { grants } : 'none',
        environment,
        logRetention,
        logRemovalPolicy: removalPolicy,
      });
    };

    // 2. Who may connect: the authorizer reads credentials (hashed, in the table) at run time, so
    //    no secret is in any function's environment and rotating one needs no deploy. It may only
    //    GetItem under CREDENTIALS.
    this.authorizerFunction = houseFunction(
      `${AUTHORIZER_ENTRY.name}Handler`,
      AUTHORIZER_ENTRY.entry,
      'Sidetail $connect authorizer: token to credential',
      AUTHORIZER_ACCESS,
    );
    const connectAuthorizer = new WebSocketLambdaAuthorizer('ConnectAuthorizer', this.authorizerFunction.function, {
      identitySource: [`route.request.querystring.${AUTHORIZER_ENTRY.identitySourceQuery}`],
    });

    // 3. One Lambda per route, each allowed only the table actions its code sends (route-access.ts).
    const environment = {
      BUFFER_LINES: String(bufferLines),
      BUFFER_TTL_SECONDS: String(bufferTtlSeconds),
    };
    this.functions = new Map(
      ROUTE_TABLE.map((route) => [
        route.routeKey,
        houseFunction(`${route.name}Handler`, route.entry, `Sidetail WebSocket route ${route.routeKey}`, ROUTE_ACCESS[route.routeKey], environment),
      ]),
    );
    // Whoever reads the buffer may meet a batch whose lines are in the bucket; only log.batch writes.
    for (const [routeKey, fn] of this.functions) {
      const access = batchBodyAccessOf(ROUTE_ACCESS[routeKey as keyof typeof ROUTE_ACCESS]);
      if (access) this.batchBucket.useFrom(fn.function, access);
    }

    // 4. The WebSocket API: route selection on `action`, auto-deployed stage, throttled per route,
    //    access and error logs (through the account's API Gateway role), PostToConnection grants.
    this.accessLogs = new logs.LogGroup(this, 'WebSocketAccessLogs', { retention: logRetention, removalPolicy });
    this.webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      apiName: `${this.stackName}-websocket`,
      description: 'Sidetail: agents push container logs, viewers subscribe to them',
      stageName: props.stageName,
      routes: [...this.functions].map(([routeKey, fn]) => ({
        routeKey,
        handler: fn.function,
        postsToConnections: ROUTE_ACCESS[routeKey as keyof typeof ROUTE_ACCESS].postsToConnections,
      })),
      // The same buckets the local gateway enforces (infra/route-throttling.ts).
      throttle: ROUTE_THROTTLING.default,
      routeThrottles: ROUTE_THROTTLING.routes,
      connectAuthorizer,
      accessLogs: this.accessLogs,
    });
    if (props.createApiGatewayLogRole ?? true) {
      this.apiGatewayAccountLogging = new ApiGatewayAccountLogging(this, 'ApiGatewayAccountLogging');
      // A stage that logs is refused until the account names the role.
      this.webSocketApi.stage.node.addDependency(this.apiGatewayAccountLogging.account);
    }

    // 5. The dashboard: static files on CloudFront, told the stage's URL by config.json.
    this.dashboard = new DashboardSite(this, 'Dashboard', {
      assetDirectory: props.dashboardDirectory ?? DEFAULT_DASHBOARD_DIRECTORY,
      webSocketUrl: this.webSocketApi.url,
      removalPolicy,
      logRetention,
    });

    // 6. Alarms: every function's errors and throttles, the stage's 5xx, the table's throttling.
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      functions: new Map([
        [AUTHORIZER_ENTRY.name, this.authorizerFunction.function],
        ...ROUTE_TABLE.map((route) => [route.name, this.functions.get(route.routeKey)!.function] as const),
      ]),
      webSocketStage: { apiId: this.webSocketApi.api.apiId, stageName: this.webSocketApi.stage.stageName },
      table: this.logTable.table,
      ...(props.alarmEmail !== undefined ? { email: props.alarmEmail } : {}),
    });

    this.addOutputs();
  }

  private addOutputs(): void {
    const table = this.logTable.table.tableName;
    const credentials = (command: string) => Fn.join('', ['npm run --silent credentials -- --table ', table, ' --region ', this.region, ` ${command}`]);
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The dashboard; open it with #token=<a viewer token> (ViewerLinkCommand makes one)',
      value: this.dashboard.url,
    });
    new CfnOutput(this, 'WebSocketUrl', {
      description: 'Where agents (SIDETAIL_URL) and the dashboard connect (?role=agent|viewer&token=<credentialId>.<secret>)',
      value: this.webSocketApi.url,
    });
    new CfnOutput(this, 'ViewerLinkCommand', {
      description: 'Run in the repository: mints a viewer credential and prints the dashboard link that carries it',
      value: Fn.join('', ['echo "', this.dashboard.url, '/#token=$(', credentials('mint --viewer'), ' | tail -n 1)"']),
    });
    new CfnOutput(this, 'MintAgentCredentialCommand', {
      description: 'Run in the repository: mints a credential for the agent on the host named by $(hostname) and prints its token once',
      value: credentials('mint --agent "$(hostname)"'),
    });
    new CfnOutput(this, 'ConnectionsEndpoint', {
      description: 'The @connections management endpoint the Lambdas post to (credentials revoke closes connections here)',
      value: this.webSocketApi.connectionsEndpoint,
    });
    new CfnOutput(this, 'TableName', { value: table });
    new CfnOutput(this, 'CredentialsEnvironment', {
      description: 'Prefix for `npm run credentials -- mint --agent <id> | mint --viewer | list | revoke <credentialId>`',
      value: Fn.join('', [
        'SIDETAIL_TABLE=',
        table,
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
