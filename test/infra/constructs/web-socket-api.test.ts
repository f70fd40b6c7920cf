import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { ACCESS_LOG_FORMAT, WebSocketApi, type WebSocketRouteTarget } from '../../../infra/constructs/web-socket-api';
import { disposeTestApps, unbundledStack } from '../fixtures/test-app';

// Inline functions: this construct is about routing and permissions, not about bundling.
function inlineFunction(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

describe('WebSocketApi', () => {
  const ROUTE_KEYS = ['$connect', '$disconnect', '$default', 'log.batch'];
  let stack: Stack;
  let template: Template;
  let ws: WebSocketApi;
  let functions: Map<string, lambda.Function>;

  beforeAll(() => {
    stack = unbundledStack();
    functions = new Map(ROUTE_KEYS.map((key, i) => [key, inlineFunction(stack, `Fn${i}`)]));
    ws = new WebSocketApi(stack, 'Ws', {
      routes: [...functions].map(([routeKey, handler]) => ({ routeKey, handler })),
    });
    template = Template.fromStack(stack);
  });

  afterAll(disposeTestApps);

  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as apigwv2.CfnApi);

  it('selects routes on the `action` field of a WEBSOCKET API', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
  });

  it.each(ROUTE_KEYS)('routes %s to its own function through a Lambda proxy integration', (routeKey) => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: {
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [id(functions.get(routeKey)!), 'Arn'] }])] },
      },
    });
    const integrationIds = Object.keys(integrations);

    expect(integrationIds).toHaveLength(1);
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: routeKey }, 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      ApiId: { Ref: id(ws.api) },
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationIds[0] }]] },
    });
  });

  it('lets API Gateway invoke every routed function', () => {
    for (const fn of functions.values()) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [id(fn), 'Arn'] },
      });
    }
  });

  it('deploys a "live" stage automatically', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      ApiId: { Ref: id(ws.api) },
    });
  });

  it('grants PostToConnection on its stage, and nothing wider, only to the functions that post', () => {
    const scope = unbundledStack();
    const poster = inlineFunction(scope, 'Poster');
    const silent = inlineFunction(scope, 'Silent');
    const api = new WebSocketApi(scope, 'Ws', {
      routes: [
        { routeKey: '$connect', handler: silent },
        { routeKey: 'ping', handler: poster, postsToConnections: true },
      ],
    });
    const scoped = Template.fromStack(scope);
    const statementsOf = (fn: lambda.Function) => {
      const roleId = scope.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole);
      const policies = scoped.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
      return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    };
    const apiRef = { Ref: scope.getLogicalId(api.api.node.defaultChild as apigwv2.CfnApi) };

    expect(statementsOf(poster)).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:ManageConnections',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', apiRef, '/live/POST/@connections/*'],
          ],
        },
      },
    ]);
    expect(statementsOf(silent)).toEqual([]);
  });

  it('grants nothing on @connections to a route that does not say it posts', () => {
    for (const fn of functions.values()) {
      const roleId = stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole);
      expect(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).toEqual({});
    }
  });

  it('publishes detailed metrics, and without access logs turns execution logging off', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { DetailedMetricsEnabled: true, LoggingLevel: 'OFF', DataTraceEnabled: false },
      AccessLogSettings: Match.absent(),
    });
  });

  it('with access logs, writes one JSON line per request to the log group and logs errors (never message bodies)', () => {
    const scope = unbundledStack();
    const accessLogs = new logs.LogGroup(scope, 'Access');
    const handler = inlineFunction(scope, 'Fn');
    new WebSocketApi(scope, 'Ws', {
      routes: [{ routeKey: '$connect', handler }, { routeKey: 'log.batch', handler }],
      accessLogs,
      routeThrottles: { 'log.batch': { rateLimit: 10, burstLimit: 20 } },
    });
    const logged = Template.fromStack(scope);
    const [stage] = Object.values(logged.findResources('AWS::ApiGatewayV2::Stage'));
    const format = JSON.parse(stage!.Properties.AccessLogSettings.Format as string) as Record<string, string>;

    expect(stage!.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [scope.getLogicalId(accessLogs.node.defaultChild as logs.CfnLogGroup), 'Arn'] });
    expect(format).toEqual(ACCESS_LOG_FORMAT);
    expect(Object.values(format)).toEqual(expect.arrayContaining(['$context.requestId', '$context.connectionId', '$context.routeKey', '$context.status']));
    expect(stage!.Properties.DefaultRouteSettings).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false, DetailedMetricsEnabled: true });
    // A route's own settings replace the defaults for it, so they carry the logging too.
    expect(stage!.Properties.RouteSettings['log.batch']).toEqual({
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
      DetailedMetricsEnabled: true,
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 20,
    });
  });

  it('exposes the wss:// URL and the https:// @connections endpoint of the stage', () => {
    const url = JSON.stringify(stack.resolve(ws.url));
    const endpoint = JSON.stringify(stack.resolve(ws.connectionsEndpoint));

    expect(url).toMatch(/^\{"Fn::Join":\["",\["wss:\/\/",/);
    expect(url).toContain('/live');
    expect(endpoint).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",/);
    expect(endpoint).toContain('/live');
  });

  it('exposes each route by its key', () => {
    expect([...ws.routes.keys()]).toEqual(ROUTE_KEYS);
  });

  it('uses the stage name it is given', () => {
    const scope = unbundledStack();
    new WebSocketApi(scope, 'Ws', { stageName: 'dev', routes: [{ routeKey: '$default', handler: inlineFunction(scope, 'Fn') }] });

    Template.fromStack(scope).hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'dev', AutoDeploy: true });
  });

  it('throttles the stage by default and single routes by their own limits, created after those routes', () => {
    const scope = unbundledStack();
    const handler = inlineFunction(scope, 'Fn');
    const api = new WebSocketApi(scope, 'Ws', {
      routes: [
        { routeKey: '$connect', handler },
        { routeKey: 'log.batch', handler },
        { routeKey: 'ping', handler },
      ],
      throttle: { rateLimit: 200, burstLimit: 1000 },
      routeThrottles: { 'log.batch': { rateLimit: 1000, burstLimit: 2000 }, $connect: { rateLimit: 100, burstLimit: 500 } },
    });
    const stageTemplate = Template.fromStack(scope);

    stageTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 1000 },
      RouteSettings: {
        'log.batch': Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }),
        $connect: Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 500 }),
      },
    });
    const stageId = scope.getLogicalId(api.stage.node.defaultChild as apigwv2.CfnStage);
    const routeId = (key: string) => scope.getLogicalId(api.routes.get(key)!.node.defaultChild as apigwv2.CfnRoute);
    const dependsOn = stageTemplate.toJSON().Resources[stageId].DependsOn as string[];
    expect(dependsOn).toEqual(expect.arrayContaining([routeId('log.batch'), routeId('$connect')]));
  });

  it('sets no route settings without routeThrottles', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { RouteSettings: Match.absent() });
  });

  describe('rejects contradictory props', () => {
    it('throws InvalidPropsError for a throttle on a route that is not one of the routes', () => {
      const scope = unbundledStack();
      const handler = inlineFunction(scope, 'Fn');

      expect(
        () => new WebSocketApi(scope, 'Ws', { routes: [{ routeKey: 'ping', handler }], routeThrottles: { 'log.batch': { rateLimit: 1, burstLimit: 1 } } }),
      ).toThrow(/routeThrottles names "log.batch"/);
    });

    it.each<[string, (fn: lambda.IFunction) => WebSocketRouteTarget[]]>([
      ['no routes', () => []],
      ['a route key listed twice', (handler) => [{ routeKey: 'ping', handler }, { routeKey: 'ping', handler }]],
      ['a $ key API Gateway does not know', (handler) => [{ routeKey: '$connected', handler }]],
      ['an empty route key', (handler) => [{ routeKey: '', handler }]],
    ])('throws InvalidPropsError for %s', (_case, routes) => {
      const scope = unbundledStack();
      const handler = inlineFunction(scope, 'Fn');

      expect(() => new WebSocketApi(scope, 'Ws', { routes: routes(handler) })).toThrow(InvalidPropsError);
    });
  });
});

describe('WebSocketApi with a $connect authorizer', () => {
  afterAll(disposeTestApps);

  it('puts the authorizer on $connect only', () => {
    const stack = unbundledStack();
    const routes: WebSocketRouteTarget[] = ['$connect', 'ping'].map((routeKey, i) => ({ routeKey, handler: inlineFunction(stack, `Fn${i}`) }));
    new WebSocketApi(stack, 'Ws', {
      routes,
      connectAuthorizer: new WebSocketLambdaAuthorizer('Auth', inlineFunction(stack, 'AuthFn'), { identitySource: ['route.request.querystring.token'] }),
    });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', IdentitySource: ['route.request.querystring.token'] });
    const authorization = Object.fromEntries(
      Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => [route.Properties.RouteKey, route.Properties.AuthorizationType]),
    );
    expect(authorization).toEqual({ $connect: 'CUSTOM', ping: expect.not.stringMatching('CUSTOM') });
  });

  it('throws InvalidPropsError for an authorizer without a $connect route to put it on', () => {
    const stack = unbundledStack();
    const build = () =>
      new WebSocketApi(stack, 'Ws', {
        routes: [{ routeKey: 'ping', handler: inlineFunction(stack, 'Fn') }],
        connectAuthorizer: new WebSocketLambdaAuthorizer('Auth', inlineFunction(stack, 'AuthFn')),
      });

    expect(build).toThrow(InvalidPropsError);
  });
});
