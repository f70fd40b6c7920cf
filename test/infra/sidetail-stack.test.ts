import { RemovalPolicy, type App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../infra/constructs/invalid-props-error';
import { SidetailStack, type SidetailStackProps } from '../../infra/stacks/sidetail-stack';
import { loadConfig } from '../../lambdas/config';
import { ROUTE_TABLE } from '../../lambdas/route-table';
import { ROUTE_THROTTLING } from '../../infra/route-throttling';
import { disposeTestApps, testApp } from './fixtures/test-app';

type Env = Record<string, unknown>;

// Assets are not bundled and CloudFormation validation is off here: this file checks the template.
// test/infra/synth.int.test.ts runs the real synthesis (bundling, validation) of infra/bin/app.ts.
describe('SidetailStack', () => {
  let app: App;
  let stack: SidetailStack;
  let template: Template;
  let defaults: Template;
  let destroyable: Template;

  beforeAll(() => {
    app = testApp({ bundle: false });
    stack = new SidetailStack(app, 'SidetailTest', { bufferLines: 500, bufferTtlSeconds: 3600, stageName: 'test' });
    const defaultsStack = new SidetailStack(app, 'SidetailDefaults');
    const destroyableStack = new SidetailStack(app, 'SidetailDestroyable', { removalPolicy: RemovalPolicy.DESTROY });
    // One synthesis for all three stacks.
    const assembly = app.synth();
    const templateOf = (s: SidetailStack) => Template.fromJSON(assembly.getStackArtifact(s.artifactId).template);
    template = templateOf(stack);
    defaults = templateOf(defaultsStack);
    destroyable = templateOf(destroyableStack);
  });

  afterAll(disposeTestApps);

  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const fnOf = (routeKey: string) => stack.functions.get(routeKey)!.function;
  const environmentOf = (routeKey: string): Env =>
    template.toJSON().Resources[logicalId(fnOf(routeKey))].Properties.Environment.Variables;
  const tableId = () => logicalId(stack.logTable.table);
  const apiId = () => logicalId(stack.webSocketApi.api);

  describe('table', () => {
    it('is one pay-per-request table keyed by string pk/sk, expiring items by expiresAt', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayEquals([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('is retained when the stack is deleted, unless removalPolicy is DESTROY', () => {
      defaults.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      destroyable.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    });

    it('lets removalPolicy DESTROY also delete the function logs', () => {
      destroyable.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    });
  });

  describe('functions', () => {
    it('makes one function per ROUTE_TABLE entry, and the authorizer its own', () => {
      expect([...stack.functions.keys()]).toEqual(ROUTE_TABLE.map((route) => route.routeKey));
      expect([...stack.functions.values()]).not.toContain(stack.authorizerFunction);
    });

    it('runs every function on Node.js 22 (ARM64) from an ES module bundle', () => {
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    });

    it.each(ROUTE_TABLE.map((route) => route.routeKey))('configures %s so that lambdas/config.ts accepts it', (routeKey) => {
      const environment = environmentOf(routeKey);
      // Tokens and the table name are CloudFormation references until deploy; stand in plain strings.
      const deployed = Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [key, typeof value === 'string' ? value : `<${key}>`]),
      );

      expect(() => loadConfig(deployed)).not.toThrow();
      expect(environment).toMatchObject({
        TABLE_NAME: { Ref: tableId() },
        BUFFER_LINES: '500',
        BUFFER_TTL_SECONDS: '3600',
      });
    });

    it.each([...ROUTE_TABLE.map((route) => route.routeKey), 'the authorizer'])('gives %s no secret in its environment', (which) => {
      const fn = which === 'the authorizer' ? stack.authorizerFunction.function : fnOf(which);
      const environment: Env = template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables;

      expect(Object.keys(environment).filter((name) => /TOKEN|SECRET/i.test(name))).toEqual([]);
      expect(JSON.stringify(environment)).not.toContain('secretsmanager');
    });

    it('keeps no secret in Secrets Manager: credentials are hashed items in the table, minted at run time', () => {
      expect(template.findResources('AWS::SecretsManager::Secret')).toEqual({});
    });
    it('defaults the buffer to 1000 lines for 24 hours', () => {
      const routeFunctions = Object.values(defaults.findResources('AWS::Lambda::Function')).filter((fn) =>
        String(fn.Properties.Description).startsWith('Sidetail WebSocket route'),
      );

      expect(routeFunctions.map((fn) => fn.Properties.Environment.Variables)).toEqual(
        ROUTE_TABLE.map(() => expect.objectContaining({ BUFFER_LINES: '1000', BUFFER_TTL_SECONDS: '86400' })),
      );
    });

    it.each(ROUTE_TABLE.map((route) => route.routeKey))(
      'lets %s read and write the table and manage connections of the stage',
      (routeKey) => {
        const roleId = stack.getLogicalId(fnOf(routeKey).role!.node.defaultChild as iam.CfnRole);
        const [policy, ...others] = Object.values(
          template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
        );
        const statements = policy!.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];

        expect(others).toEqual([]);
        expect(statements.flatMap((s) => s.Action)).toEqual(
          expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem', 'execute-api:ManageConnections']),
        );
        const connections = statements.find((s) => s.Action === 'execute-api:ManageConnections')!.Resource as {
          'Fn::Join': [string, unknown[]];
        };
        expect(connections['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: apiId() }, '/test/*/@connections/*']));
      },
    );
  });

  describe('$connect authorizer', () => {
    const authorizerId = () => logicalId(stack.authorizerFunction.function);

    it('is a Lambda REQUEST authorizer whose identity source is the token in the query string', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        ApiId: { Ref: apiId() },
        AuthorizerType: 'REQUEST',
        IdentitySource: ['route.request.querystring.token'],
        AuthorizerUri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [authorizerId(), 'Arn'] }])] },
      });
    });

    it('guards the $connect route, and only it', () => {
      const [authorizer] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$connect', AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer } });
      const guarded = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
        .filter((route) => route.Properties.AuthorizationType === 'CUSTOM')
        .map((route) => route.Properties.RouteKey);
      expect(guarded).toEqual(['$connect']);
    });

    it('runs on the table with nothing but GetItem on the CREDENTIALS partition', () => {
      const roleId = stack.getLogicalId(stack.authorizerFunction.function.role!.node.defaultChild as iam.CfnRole);
      const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[]);

      expect(statements).toEqual([
        expect.objectContaining({
          Action: 'dynamodb:GetItem',
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CREDENTIALS'] } },
        }),
      ]);
      expect(template.toJSON().Resources[authorizerId()].Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: tableId() });
    });

    it('may be invoked by API Gateway', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [authorizerId(), 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
      });
    });
  });

  describe('WebSocket API', () => {
    it('selects routes on `action`', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
    });

    it.each(ROUTE_TABLE.map((route) => route.routeKey))('routes %s to its Lambda', (routeKey) => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId(fnOf(routeKey)), 'Arn'] }])] },
        },
      });
      const [integrationId, ...others] = Object.keys(integrations);

      expect(others).toEqual([]);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: { Ref: apiId() },
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    });

    it('throttles the stage with the buckets the local gateway enforces (infra/route-throttling.ts)', () => {
      const routeSettings = Object.fromEntries(
        Object.entries(ROUTE_THROTTLING.routes).map(([key, limit]) => [key, { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit }]),
      );
      defaults.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: ROUTE_THROTTLING.default.rateLimit, ThrottlingBurstLimit: ROUTE_THROTTLING.default.burstLimit },
        RouteSettings: routeSettings,
      });
    });

    it('has no routes beyond ROUTE_TABLE', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTE_TABLE.length);
    });

    it('deploys its stage automatically, named "live" unless told otherwise', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'test', AutoDeploy: true });
      defaults.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'live', AutoDeploy: true });
    });
  });

  describe('outputs', () => {
    it('publishes the wss:// URL and the https:// @connections endpoint of the stage', () => {
      template.hasOutput('WebSocketUrl', {
        Value: { 'Fn::Join': ['', Match.arrayWith(['wss://', { Ref: apiId() }, '/test'])] },
      });
      template.hasOutput('ConnectionsEndpoint', {
        Value: { 'Fn::Join': ['', Match.arrayWith(['https://', { Ref: apiId() }, '/test'])] },
      });
    });

    it('publishes the table name, and the environment `npm run credentials` needs against this stack', () => {
      template.hasOutput('TableName', { Value: { Ref: tableId() } });
      template.hasOutput('CredentialsEnvironment', {
        Value: { 'Fn::Join': ['', Match.arrayWith(['SIDETAIL_TABLE=', { Ref: tableId() }, ' AWS_REGION=', { Ref: 'AWS::Region' }, ' SIDETAIL_CONNECTIONS_ENDPOINT=https://', { Ref: apiId() }])] },
      });
      expect(Object.keys(template.toJSON().Outputs)).not.toEqual(expect.arrayContaining([expect.stringMatching(/Secret/)]));
    });
  });

  describe('rejects contradictory props', () => {
    it.each<[string, SidetailStackProps]>([
      ['bufferLines 0', { bufferLines: 0 }],
      ['fractional bufferLines', { bufferLines: 10.5 }],
      ['negative bufferTtlSeconds', { bufferTtlSeconds: -1 }],
    ])('throws InvalidPropsError for %s', (_case, props) => {
      const build = () => new SidetailStack(testApp({ bundle: false }), 'Rejected', props);

      expect(build).toThrow(InvalidPropsError);
    });
  });
});
