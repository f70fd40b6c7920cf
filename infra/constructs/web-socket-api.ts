/**
 * An API Gateway WebSocket API that selects routes on the message's `action`, sends each route to
 * its Lambda, deploys itself on change, and lets every routed function call the @connections API
 * (PostToConnection, DeleteConnection, GetConnection) of its stage.
 */
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
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
}

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
    });

    const routes = new Map<string, apigwv2.WebSocketRoute>();
    for (const { routeKey, handler } of props.routes) {
      const integration = new WebSocketLambdaIntegration(`${routeKey}-Integration`, handler);
      const authorizer = routeKey === '$connect' ? props.connectAuthorizer : undefined;
      routes.set(routeKey, this.api.addRoute(routeKey, { integration, ...(authorizer ? { authorizer } : {}) }));
      // Scoped to this stage's @connections/* (every method), not to every stage of the API.
      this.stage.grantManagementApiAccess(handler);
    }
    this.routes = routes;
    applyRouteThrottles(this.stage, routes, props.routeThrottles ?? {});
    this.url = this.stage.url;
    this.connectionsEndpoint = this.stage.callbackUrl;
  }
}

/** RouteSettings name routes by key; the stage must be created after them or the deploy fails. */
function applyRouteThrottles(
  stage: apigwv2.WebSocketStage,
  routes: ReadonlyMap<string, apigwv2.WebSocketRoute>,
  throttles: Readonly<Record<string, apigwv2.ThrottleSettings>>,
): void {
  const entries = Object.entries(throttles);
  if (entries.length === 0) return;
  const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
  // A JSON map that CloudFormation receives as is, hence its own (PascalCase) property names.
  cfnStage.routeSettings = Object.fromEntries(
    entries.map(([routeKey, { rateLimit, burstLimit }]) => [routeKey, { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }]),
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
