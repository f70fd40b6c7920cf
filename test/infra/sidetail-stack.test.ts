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

    it('lets removalPolicy DESTROY also delete the tokens and the function logs', () => {
      destroyable.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
      destroyable.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    });
  });

  describe('functions', () => {
    it('makes exactly one function per ROUTE_TABLE entry', () => {
      template.resourceCountIs('AWS::Lambda::Function', ROUTE_TABLE.length);
      expect([...stack.functions.keys()]).toEqual(ROUTE_TABLE.map((route) => route.routeKey));
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

    it('passes the connect tokens as Secrets Manager dynamic references, never as values', () => {
      const { AGENT_TOKEN, VIEWER_TOKEN } = environmentOf('$connect');

      expect(JSON.stringify(AGENT_TOKEN)).toContain('{{resolve:secretsmanager:');
      expect(JSON.stringify(VIEWER_TOKEN)).toContain('{{resolve:secretsmanager:');
      expect(AGENT_TOKEN).not.toEqual(VIEWER_TOKEN);
      template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    });

    it.each(ROUTE_TABLE.filter((route) => route.routeKey !== '$connect').map((route) => route.routeKey))(
      'keeps the connect tokens away from %s, which never checks them',
      (routeKey) => {
        const environment = environmentOf(routeKey);

        expect(environment).not.toHaveProperty('AGENT_TOKEN');
        expect(environment).not.toHaveProperty('VIEWER_TOKEN');
      },
    );

    it('defaults the buffer to 1000 lines for 24 hours', () => {
      defaults.allResourcesProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ BUFFER_LINES: '1000', BUFFER_TTL_SECONDS: '86400' }) },
      });
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

    it('publishes the table name and where to read each token', () => {
      template.hasOutput('TableName', { Value: { Ref: tableId() } });
      template.hasOutput('AgentTokenSecretArn', { Value: { Ref: Match.stringLikeRegexp('^ConnectTokensAgentToken') } });
      template.hasOutput('ViewerTokenSecretArn', { Value: { Ref: Match.stringLikeRegexp('^ConnectTokensViewerToken') } });
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
