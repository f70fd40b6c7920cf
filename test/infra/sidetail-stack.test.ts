import { RemovalPolicy, type App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../infra/constructs/invalid-props-error';
import { SidetailStack, type SidetailStackProps } from '../../infra/stacks/sidetail-stack';
import { loadConfig } from '../../lambdas/config';
import { parseCredentialsArgs } from '../../infra/credentials/credentials-command';
import { ROUTE_TABLE } from '../../lambdas/route-table';
import { ROUTE_THROTTLING } from '../../infra/route-throttling';
import type { HouseFunction } from '../../infra/constructs/house-function';
import { ROUTE_ACCESS, tableGrantsOf } from '../../infra/stacks/route-access';
import { disposeTestApps, FIXTURE_DASHBOARD, testApp } from './fixtures/test-app';

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
    stack = new SidetailStack(app, 'SidetailTest', {
      bufferLines: 500,
      bufferTtlSeconds: 3600,
      stageName: 'test',
      dashboardDirectory: FIXTURE_DASHBOARD,
      logRetention: logs.RetentionDays.ONE_WEEK,
      alarmEmail: 'ops@example.com',
      createApiGatewayLogRole: false,
    });
    const defaultsStack = new SidetailStack(app, 'SidetailDefaults', { dashboardDirectory: FIXTURE_DASHBOARD });
    const destroyableStack = new SidetailStack(app, 'SidetailDestroyable', { removalPolicy: RemovalPolicy.DESTROY, dashboardDirectory: FIXTURE_DASHBOARD });
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
  const distributionId = () => stack.getLogicalId(stack.dashboard.distribution.node.defaultChild as CfnElement);

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

    it('lets removalPolicy DESTROY also delete the function and access logs, which RETAIN keeps', () => {
      destroyable.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
      const kept = Object.entries(defaults.findResources('AWS::Logs::LogGroup')).filter(([, group]) => group.DeletionPolicy === 'Retain');
      // Every group but the dashboard deployment's, whose logs are only of copying files.
      expect(kept).toHaveLength(Object.keys(defaults.findResources('AWS::Logs::LogGroup')).length - 1);
    });
  });

  describe('functions', () => {
    it('makes one function per ROUTE_TABLE entry, and the authorizer its own', () => {
      expect([...stack.functions.keys()]).toEqual(ROUTE_TABLE.map((route) => route.routeKey));
      expect([...stack.functions.values()]).not.toContain(stack.authorizerFunction);
    });

    it('runs every function on Node.js 22 (ARM64) from an ES module bundle', () => {
      for (const fn of [stack.authorizerFunction, ...stack.functions.values()]) {
        expect(template.toJSON().Resources[logicalId(fn.function)].Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
        });
      }
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

  });

  describe('least privilege', () => {
    interface Statement {
      readonly Sid?: string;
      readonly Action: string | string[];
      readonly Resource: unknown;
      readonly Condition?: Record<string, Record<string, string[]>>;
    }
    const roleOf = (fn: HouseFunction) => stack.getLogicalId(fn.role.node.defaultChild as iam.CfnRole);
    const statementsOf = (fn: HouseFunction): Statement[] =>
      Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleOf(fn) }] } })).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
      );
    const actionsOf = (statement: Statement) => [statement.Action].flat();
    /** The table actions of a function's policy, each with the partitions (LeadingKeys) it is limited to. */
    const tableAccessOf = (fn: HouseFunction): Record<string, string[]> =>
      Object.fromEntries(
        statementsOf(fn)
          .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
          .map((statement) => {
            const [operator] = Object.keys(statement.Condition ?? {});
            return [actionsOf(statement).join(','), statement.Condition![operator!]!['dynamodb:LeadingKeys']!];
          }),
      );
    const allFunctions = (): [string, HouseFunction][] => [['the authorizer', stack.authorizerFunction], ...stack.functions];
    const route = (routeKey: string) => stack.functions.get(routeKey)!;

    it('lets the log.batch function store the buffer and hold parts, read subscribers and clean up gone connections — no deletes in the buffer, nothing else', () => {
      expect(tableAccessOf(route('log.batch'))).toEqual({
        'dynamodb:BatchWriteItem': ['CONN#*', 'SUBS#*', 'VIEWERS#*'],
        'dynamodb:GetItem': ['AGENTS', 'CONN#*', 'LOG#*'],
        'dynamodb:PutItem': ['LOG#*', 'PART#*'],
        'dynamodb:Query': ['CONN#*', 'LOG#*', 'PART#*', 'SUBS#*', 'VIEWERS#*'],
        'dynamodb:UpdateItem': ['AGENTS'],
      });
    });

    it('lets $connect record the connection and read its credential, and write nothing but connection items', () => {
      expect(tableAccessOf(route('$connect'))).toEqual({
        'dynamodb:BatchWriteItem': ['CONN#*', 'VIEWERS#*'],
        'dynamodb:PutItem': ['CRED#*'],
        'dynamodb:GetItem': ['CREDENTIALS'],
      });
    });

    it('lets inventory.get read hosts and their containers; its only write is the clean-up of gone connections', () => {
      const access = tableAccessOf(route('inventory.get'));

      expect(access['dynamodb:Query']).toEqual(expect.arrayContaining(['AGENTS', 'HOST#*']));
      expect(access['dynamodb:PutItem']).toBeUndefined();
      expect(access['dynamodb:UpdateItem']).toEqual(['AGENTS']);
    });

    it('gives $default, which only answers unknown actions with `error`, no table action at all', () => {
      expect(tableAccessOf(route('$default'))).toEqual({});
      expect(environmentOf('$default')).toMatchObject({ TABLE_NAME: { Ref: tableId() } });
    });

    it.each(ROUTE_TABLE.map((entry) => entry.routeKey))('grants %s exactly the table actions route-access.ts derives from its code', (routeKey) => {
      const expected: Record<string, Set<string>> = {};
      for (const grant of tableGrantsOf(ROUTE_ACCESS[routeKey]) ?? []) {
        for (const action of grant.actions) for (const partition of grant.partitions) (expected[`dynamodb:${action}`] ??= new Set()).add(partition);
      }

      expect(tableAccessOf(route(routeKey))).toEqual(Object.fromEntries(Object.entries(expected).map(([action, keys]) => [action, [...keys].sort()])));
    });

    it.each([...ROUTE_TABLE.map((entry): string => entry.routeKey), 'the authorizer'])(
      'never lets %s Scan, use a wildcard action, or touch the table outside its named partitions',
      (which) => {
        const fn = which === 'the authorizer' ? stack.authorizerFunction : route(which);
        const statements = statementsOf(fn).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));

        for (const statement of statements) {
          expect(actionsOf(statement).filter((action) => action.includes('*') || action === 'dynamodb:Scan')).toEqual([]);
          expect(statement.Resource).toEqual({ 'Fn::GetAtt': [tableId(), 'Arn'] });
          expect(Object.keys(statement.Condition ?? {})).toEqual([expect.stringMatching(/^ForAllValues:String(Equals|Like)$/)]);
        }
      },
    );

    it.each(ROUTE_TABLE.filter((entry) => ROUTE_ACCESS[entry.routeKey].postsToConnections).map((entry) => entry.routeKey))(
      'lets %s PostToConnection on its own stage, and no other @connections method',
      (routeKey) => {
        const manage = statementsOf(route(routeKey)).filter((statement) => actionsOf(statement).includes('execute-api:ManageConnections'));

        expect(manage).toHaveLength(1);
        expect(manage[0]!.Resource).toEqual({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: apiId() }, '/test/POST/@connections/*']],
        });
      },
    );

    it('gives ManageConnections to no function that never posts: $connect and the authorizer', () => {
      for (const fn of [route('$connect'), stack.authorizerFunction]) {
        expect(statementsOf(fn).flatMap(actionsOf).filter((action) => action.startsWith('execute-api:'))).toEqual([]);
      }
    });

    it.each([...ROUTE_TABLE.map((entry): string => entry.routeKey), 'the authorizer'])('lets %s write logs to its own log group only, with no managed policy', (which) => {
      const fn = which === 'the authorizer' ? stack.authorizerFunction : route(which);
      const logStatements = statementsOf(fn).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
      const role = template.toJSON().Resources[roleOf(fn)].Properties;

      expect(logStatements).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [stack.getLogicalId(fn.logGroup.node.defaultChild as CfnElement), 'Arn'] },
        }),
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
    });

    const bucketAccessOf = (fn: HouseFunction): string[] =>
      statementsOf(fn)
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('s3:'))
        .sort();

    it('lets only log.batch put batch objects; every function reading the buffer may get them; the rest never touch the bucket', () => {
      expect(bucketAccessOf(route('log.batch'))).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
      for (const reader of ['log.subscribe', 'log.fetch', 'agent.register']) expect(bucketAccessOf(route(reader))).toEqual(['s3:GetObject', 's3:ListBucket']);
      for (const fn of [route('$connect'), route('$default'), stack.authorizerFunction]) expect(bucketAccessOf(fn)).toEqual([]);
      const bucket = { Ref: stack.getLogicalId(stack.batchBucket.bucket.node.defaultChild as CfnElement) };
      expect(environmentOf('log.batch')).toMatchObject({ BATCH_BUCKET: bucket });
      expect(environmentOf('log.fetch')).toMatchObject({ BATCH_BUCKET: bucket });
      expect(environmentOf('$connect')).not.toHaveProperty('BATCH_BUCKET');
    });

    it('gives no function role a managed policy (AWSLambdaBasicExecutionRole would allow every log group)', () => {
      const roles = allFunctions().map(([, fn]) => template.toJSON().Resources[roleOf(fn)].Properties);

      expect(roles.map((role) => role.ManagedPolicyArns)).toEqual(roles.map(() => undefined));
    });
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

    it('runs on the table with nothing but GetItem on the CREDENTIALS partition (no Query, no Scan)', () => {
      const roleId = stack.getLogicalId(stack.authorizerFunction.role.node.defaultChild as iam.CfnRole);
      const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[]);

      expect(statements.filter((s) => [s.Action].flat().some((action) => action.startsWith('dynamodb:')))).toEqual([
        expect.objectContaining({
          Action: 'dynamodb:GetItem',
          Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
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

  describe('stage operations', () => {
    it('writes access logs to a log group of its own, kept for the logRetention given (a month by default)', () => {
      const accessLogsId = stack.getLogicalId(stack.accessLogs.node.defaultChild as CfnElement);

      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [accessLogsId, 'Arn'] }, Format: Match.stringLikeRegexp('connectionId') },
        DefaultRouteSettings: Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, DetailedMetricsEnabled: true }),
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
      defaults.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it("sets the account's API Gateway CloudWatch role by default, before the stage that needs it, and keeps the role", () => {
      const [accountId] = Object.keys(defaults.findResources('AWS::ApiGateway::Account'));
      const [stage] = Object.values(defaults.findResources('AWS::ApiGatewayV2::Stage'));

      expect(accountId).toBeDefined();
      expect(stage!.DependsOn).toEqual(expect.arrayContaining([accountId]));
      defaults.hasResource('AWS::IAM::Role', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }) }),
      });
    });

    it('leaves the account setting alone with createApiGatewayLogRole false', () => {
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(stack.apiGatewayAccountLogging).toBeUndefined();
    });

    it('alarms on every function, the stage and the table, and mails them to alarmEmail', () => {
      const functions = [stack.authorizerFunction, ...stack.functions.values()];
      const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));

      for (const fn of functions) {
        for (const metricName of ['Errors', 'Throttles']) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            MetricName: metricName,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function) } }],
            AlarmActions: [{ Ref: topicId }],
          });
        }
      }
      for (const metricName of ['IntegrationError', 'ExecutionError']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/ApiGateway',
          MetricName: metricName,
          Dimensions: Match.arrayWith([{ Name: 'ApiId', Value: { Ref: apiId() } }, { Name: 'Stage', Value: 'test' }]),
        });
      }
      for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metricName, Dimensions: [{ Name: 'TableName', Value: { Ref: tableId() } }] });
      }
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      defaults.resourceCountIs('AWS::SNS::Topic', 0);
    });
  });

  describe('dashboard', () => {
    it("deploys the build with a config.json naming this stage's wss:// URL, which is also the only socket its CSP allows", () => {
      const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
      const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
      // config.json's URL reaches the deployment as markers, one per deploy-time part of it.
      const [buildMarkers, configMarkers] = deployment!.Properties.SourceMarkers as Record<string, unknown>[];

      expect(buildMarkers).toEqual({});
      expect(Object.values(configMarkers!)).toEqual(expect.arrayContaining([{ Ref: apiId() }]));
      expect(stack.resolve(stack.webSocketApi.url)).toEqual({ 'Fn::Join': ['', expect.arrayContaining(['wss://', { Ref: apiId() }])] });
      expect(policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toEqual({
        'Fn::Join': ['', expect.arrayContaining([expect.stringMatching(/connect-src 'self' wss:\/\/$/), { Ref: apiId() }, expect.stringMatching(/^\/test; /)])],
      });
    });

    it('keeps the bucket by default, and deletes it with its files under removalPolicy DESTROY', () => {
      defaults.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
      destroyable.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      destroyable.hasResourceProperties('Custom::CDKBucketDeployment', { RetainOnDelete: false });
    });

    it('publishes its URL', () => {
      template.hasOutput('DashboardUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }]] } });
    });
  });

  describe('outputs', () => {
    it('publishes a command that mints a viewer credential and prints the dashboard link carrying it', () => {
      template.hasOutput('ViewerLinkCommand', {
        Value: {
          'Fn::Join': [
            '',
            [
              'echo "https://',
              { 'Fn::GetAtt': [distributionId(), 'DomainName'] },
              '/#token=$(npm run --silent credentials -- --table ',
              { Ref: tableId() },
              ' --region ',
              { Ref: 'AWS::Region' },
              ' mint --viewer | tail -n 1)"',
            ],
          ],
        },
      });
    });

    it.each([
      ['ViewerLinkCommand', { name: 'mint', request: { role: 'viewer' } }],
      ['MintAgentCredentialCommand', { name: 'mint', request: { role: 'agent', agentId: 'build-box-1' } }],
    ])('publishes %s in a form `npm run credentials` accepts', (output, command) => {
      // The deployed values in place of the references, the shell's $(hostname) as a host would answer it.
      const parts = (template.findOutputs(output)[output]!.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const text = parts
        .map((part) => (typeof part === 'string' ? part : JSON.stringify(part) === JSON.stringify({ Ref: tableId() }) ? 'Sidetail-LogTable-1' : 'eu-west-1'))
        .join('')
        .replace('"$(hostname)"', 'build-box-1');
      const argv = /npm run --silent credentials -- ([^|)]+)/.exec(text)![1]!.trim().split(/\s+/);

      expect(parseCredentialsArgs(argv, {})).toEqual({ command, settings: { tableName: 'Sidetail-LogTable-1', region: 'eu-west-1' } });
    });

    it('publishes a command that mints an agent credential for this table and region', () => {
      template.hasOutput('MintAgentCredentialCommand', {
        Value: { 'Fn::Join': ['', ['npm run --silent credentials -- --table ', { Ref: tableId() }, ' --region ', { Ref: 'AWS::Region' }, ' mint --agent "$(hostname)"']] },
      });
    });

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
