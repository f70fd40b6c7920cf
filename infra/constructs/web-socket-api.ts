/**
 * An API Gateway WebSocket API that selects routes on the message's `action`, sends each route to
 * its Lambda, deploys itself on change, and lets the functions that say so post to connections
 * (PostToConnection on its stage's @connections, nothing else). The stage logs errors and every
 * connection and message (access logs), and publishes per-route metrics.
 */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidPropsError } from './invalid-props-error';

/** Messages are JSON with an `action` field (protocol/messages.ts). */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/** The route keys API Gateway gives meaning to; any other `$` key would never be selected. */
const SPECIAL_ROUTE_KEYS: readonly string[] = ['$connect', '$disconnect', '$default'];

export interface WebSocketRouteTarget {
  /** `$connect`, `$disconnect`, `$default` or a value of `action`. */
  readonly routeKey: string;
  readonly handler: lambda.IFunction;
  /** Lets the handler PostToConnection on this stage (replies, fan-out, `error` answers). @default false */
  readonly postsToConnections?: boolean;
}

/**
 * One JSON line per connection, message and disconnect: who (connection, credential), what
 * (route, event), and how it ended (status, integration and authorizer errors). Never the body.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  time: '$context.requestTimeEpoch',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  credentialId: '$context.authorizer.principalId',
  sourceIp: '$context.identity.sourceIp',
  status: '$context.status',
  error: '$context.error.message',
  integrationError: '$context.integration.error',
  integrationStatus: '$context.integration.status',
  authorizerError: '$context.authorizer.error',
} as const;

export interface WebSocketApiProps {
  /** One entry per route; route keys must be unique. */
  readonly routes: readonly WebSocketRouteTarget[];
  /** Last path segment of the URL (`wss://…/<stageName>`). @default 'live' */
  readonly stageName?: string;
  /** @default the construct's path-derived name */
  readonly apiName?: string;
  /** @default no description */
  readonly description?: string;
  /** Steady-state and burst request limits for the stage. @default none — the account-level limits apply */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * Limits of single routes (the stage's RouteSettings), overriding `throttle` for them. Every key
   * must be one of `routes`. @default none — each route has the stage's limits
   */
  readonly routeThrottles?: Readonly<Record<string, apigwv2.ThrottleSettings>>;
  /**
   * Decides every handshake before the `$connect` route runs (API Gateway allows an authorizer on
   * `$connect` only). Requires a `$connect` route. @default none — anyone may connect
   */
  readonly connectAuthorizer?: apigwv2.IWebSocketRouteAuthorizer;
  /**
   * Where the stage writes its access logs (ACCESS_LOG_FORMAT). API Gateway writes them, and its
   * ERROR-level execution logs, through the account's CloudWatch role (ApiGatewayAccountLogging).
   * @default no access logs and no execution logs
   */
  readonly accessLogs?: logs.ILogGroup;
}

export class WebSocketApi extends Construct {
  public readonly api: apigwv2.WebSocketApi;
  public readonly stage: apigwv2.WebSocketStage;
  /** The routes by route key. */
  public readonly routes: ReadonlyMap<string, apigwv2.WebSocketRoute>;
  /** `wss://…/<stage>` — where agents and viewers connect. */
  public readonly url: string;
  /** `https://…/<stage>` — the @connections endpoint handlers post to. */
  public readonly connectionsEndpoint: string;

  constructor(scope: Construct, id: string, props: WebSocketApiProps) {
    super(scope, id);
    validateRoutes(props.routes);
    validateRouteThrottles(props.routes, props.routeThrottles ?? {});
    if (props.connectAuthorizer && !props.routes.some((route) => route.routeKey === '$connect')) {
      throw new InvalidPropsError('WebSocketApi', 'connectAuthorizer is set but there is no $connect route to put it on');
    }

    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      apiName: props.apiName,
      description: props.description,
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName ?? 'live',
      autoDeploy: true,
      throttle: props.throttle,
      detailedMetricsEnabled: true,
      ...(props.accessLogs
        ? {
            accessLogSettings: {
              destination: new apigwv2.LogGroupLogDestination(props.accessLogs),
              format: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
            },
          }
        : {}),
    });
    const logging = props.accessLogs ? ERROR_LOGGING : NO_EXECUTION_LOGGING;
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.defaultRouteSettings = { ...(cfnStage.defaultRouteSettings as object), ...logging.camel };

    const routes = new Map<string, apigwv2.WebSocketRoute>();
    for (const { routeKey, handler, postsToConnections } of props.routes) {
      const integration = new WebSocketLambdaIntegration(`${routeKey}-Integration`, handler);
      const authorizer = routeKey === '$connect' ? props.connectAuthorizer : undefined;
      const route = this.api.addRoute(routeKey, { integration, ...(authorizer ? { authorizer } : {}) });
      routes.set(routeKey, route);
      if (props.connectAuthorizer && routeKey !== '$connect') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'A WebSocket API accepts an authorizer on $connect only; every later message and $disconnect runs on the connection that authorizer admitted, and handlers take its identity from requestContext.authorizer.',
        });
      }
      if (postsToConnections) this.grantPostToConnections(handler);
    }
    this.routes = routes;
    applyRouteThrottles(this.stage, routes, props.routeThrottles ?? {}, logging.pascal);
    this.url = this.stage.url;
    this.connectionsEndpoint = this.stage.callbackUrl;
  }

  /**
   * PostToConnection on this stage only: `…/<stage>/POST/@connections/*`. Not GET or DELETE
   * (grantManagementApiAccess allows every method): the functions only post; closing a
   * connection is the credentials CLI's (revoke), with its user's own permissions.
   */
  public grantPostToConnections(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const resourceName = `${this.stage.stageName}/POST/@connections/*`;
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:ManageConnections'],
      resourceArns: [stack.formatArn({ service: 'execute-api', resource: this.api.apiId, resourceName })],
    });
    const apiLogicalId = stack.getLogicalId(this.api.node.defaultChild as CfnElement);
    const principal: unknown = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return grant;
    Validations.of(principal).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiLogicalId}>/${resourceName}]`,
      reason:
        "Connection ids exist only at run time, so PostToConnection cannot name them in a policy; the wildcard is this API's one stage and the POST method only.",
    });
    return grant;
  }
}

/** Execution logging: errors only (INFO would log every message's metadata twice), never bodies. */
const ERROR_LOGGING = {
  camel: { loggingLevel: 'ERROR', dataTraceEnabled: false, detailedMetricsEnabled: true },
  pascal: { LoggingLevel: 'ERROR', DataTraceEnabled: false, DetailedMetricsEnabled: true },
} as const;
const NO_EXECUTION_LOGGING = {
  camel: { loggingLevel: 'OFF', dataTraceEnabled: false, detailedMetricsEnabled: true },
  pascal: { LoggingLevel: 'OFF', DataTraceEnabled: false, DetailedMetricsEnabled: true },
} as const;

/** RouteSettings name routes by key; the stage must be created after them or the deploy fails. */
function applyRouteThrottles(
  stage: apigwv2.WebSocketStage,
  routes: ReadonlyMap<string, apigwv2.WebSocketRoute>,
  throttles: Readonly<Record<string, apigwv2.ThrottleSettings>>,
  logging: Readonly<Record<string, unknown>>,
): void {
  const entries = Object.entries(throttles);
  if (entries.length === 0) return;
  const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
  // A JSON map that CloudFormation receives as is, hence its own (PascalCase) property names. A
  // route's settings replace the stage's defaults for it, so they repeat the logging and metrics.
  cfnStage.routeSettings = Object.fromEntries(
    entries.map(([routeKey, { rateLimit, burstLimit }]) => [
      routeKey,
      { ...logging, ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
    ]),
  );
  for (const [routeKey] of entries) cfnStage.node.addDependency(routes.get(routeKey)!);
}

function validateRouteThrottles(routes: readonly WebSocketRouteTarget[], throttles: Readonly<Record<string, apigwv2.ThrottleSettings>>): void {
  const keys = new Set(routes.map((route) => route.routeKey));
  for (const routeKey of Object.keys(throttles)) {
    if (!keys.has(routeKey)) throw new InvalidPropsError('WebSocketApi', `routeThrottles names "${routeKey}", which is not one of the routes`);
  }
}

function validateRoutes(routes: readonly WebSocketRouteTarget[]): void {
  if (routes.length === 0) throw new InvalidPropsError('WebSocketApi', 'routes is empty; an API without routes accepts nothing');
  const seen = new Set<string>();
  for (const { routeKey } of routes) {
    if (seen.has(routeKey)) throw new InvalidPropsError('WebSocketApi', `route "${routeKey}" is listed twice`);
    seen.add(routeKey);
    if (routeKey.startsWith('$') && !SPECIAL_ROUTE_KEYS.includes(routeKey)) {
      throw new InvalidPropsError('WebSocketApi', `"${routeKey}" is not one of ${SPECIAL_ROUTE_KEYS.join(', ')}`);
    }
    if (routeKey.length === 0) throw new InvalidPropsError('WebSocketApi', 'route key is empty');
  }
}
