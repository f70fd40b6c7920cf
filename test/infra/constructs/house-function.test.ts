import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HouseFunction, type HouseFunctionProps } from '../../../infra/constructs/house-function';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { LAMBDA_TIMEOUT_SECONDS } from '../../../lambdas/lambda-limits';
import { runBundle } from '../fixtures/bundle-runner';
import { disposeTestApps, FIXTURE_HANDLER, testApp, unbundledStack } from '../fixtures/test-app';

describe('HouseFunction', () => {
  let app: App;
  let stack: Stack;
  let template: Template;
  let plain: HouseFunction;
  let tuned: HouseFunction;
  let writer: HouseFunction;
  let reader: HouseFunction;

  beforeAll(() => {
    app = testApp();
    stack = new Stack(app, 'HouseFunctionTest');
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    plain = new HouseFunction(stack, 'Plain', { entry: FIXTURE_HANDLER });
    tuned = new HouseFunction(stack, 'Tuned', {
      entry: FIXTURE_HANDLER,
      memorySize: 512,
      timeout: Duration.seconds(20),
      logRetention: logs.RetentionDays.ONE_WEEK,
      environment: { GREETING: 'hello' },
    });
    writer = new HouseFunction(stack, 'Writer', { entry: FIXTURE_HANDLER, table });
    reader = new HouseFunction(stack, 'Reader', { entry: FIXTURE_HANDLER, table, tableAccess: 'read' });
    template = Template.fromStack(stack);
  });

  afterAll(disposeTestApps);

  const logicalId = (fn: HouseFunction) => stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction);
  const policyActions = (fn: HouseFunction): string[] => {
    const roleId = stack.getLogicalId(fn.function.role!.node.defaultChild as iam.CfnRole);
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    return policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
  };
  const bundleDir = (fn: HouseFunction): string => {
    const code = template.toJSON().Resources[logicalId(fn)].Properties.Code as { S3Key: string };
    return join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  };

  it('runs every function on Node.js 22 on ARM64', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it('defaults to 256 MB, the timeout the local gateway also enforces (lambda-limits.ts) and the `handler` export of an ES module bundle', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: LAMBDA_TIMEOUT_SECONDS,
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
    expect(template.toJSON().Resources[logicalId(plain)].Properties.MemorySize).toBe(256);
  });

  it('applies memory, timeout, retention and environment overrides', () => {
    const props = template.toJSON().Resources[logicalId(tuned)].Properties;

    expect(props).toMatchObject({
      MemorySize: 512,
      Timeout: 20,
      Environment: { Variables: { GREETING: 'hello', NODE_OPTIONS: '--enable-source-maps' } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('logs to its own LogGroup with a one-month retention by default', () => {
    const logGroupId = stack.getLogicalId(plain.logGroup.node.defaultChild as logs.CfnLogGroup);

    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    expect(template.toJSON().Resources[logicalId(plain)].Properties.LoggingConfig).toEqual({
      LogGroup: { Ref: logGroupId },
    });
  });

  it('bundles an ES module with a source map and leaves the AWS SDK to the runtime', () => {
    const dir = bundleDir(plain);
    const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');

    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    expect(bundle).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(bundle).toContain('//# sourceMappingURL=index.mjs.map');
  });

  it('produces a bundle that Node.js loads and runs as an ES module', async () => {
    const report = await runBundle(bundleDir(plain), { body: JSON.stringify({ action: 'ping' }) });

    expect(report).toEqual({
      handlerType: 'function',
      result: { statusCode: 200, body: JSON.stringify({ action: 'ping', sdk: 'function' }) },
    });
  });

  it('sets TABLE_NAME to the table it grants read-write access to', () => {
    const tableId = stack.getLogicalId(writer.table!.node.defaultChild as dynamodb.CfnTable);

    expect(template.toJSON().Resources[logicalId(writer)].Properties.Environment.Variables.TABLE_NAME).toEqual({
      Ref: tableId,
    });
    expect(policyActions(writer)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query']));
  });

  it('grants only reads when tableAccess is "read"', () => {
    const actions = policyActions(reader);

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('grants only GetItem under the listed partition keys when tableAccess is { getItemUnder }', () => {
    const scope = unbundledStack();
    const table = dynamodb.Table.fromTableName(scope, 'Logs', 'logs');
    const fn = new HouseFunction(scope, 'Fn', { entry: FIXTURE_HANDLER, table, tableAccess: { getItemUnder: ['CREDENTIALS'] } });
    const roleId = scope.getLogicalId(fn.function.role!.node.defaultChild as iam.CfnRole);
    const [policy] = Object.values(Template.fromStack(scope).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    const statements = policy!.Properties.PolicyDocument.Statement as { Action: string | string[] }[];

    expect(statements.filter((s) => [s.Action].flat().some((action) => action.startsWith('dynamodb:')))).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Effect: 'Allow',
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CREDENTIALS'] } },
      }),
    ]);
  });

  it('grants exactly the listed actions on the listed partitions when tableAccess is { grants }, one statement per action', () => {
    const scope = unbundledStack();
    const table = dynamodb.Table.fromTableName(scope, 'Logs', 'logs');
    const fn = new HouseFunction(scope, 'Fn', {
      entry: FIXTURE_HANDLER,
      table,
      tableAccess: {
        grants: [
          { actions: ['Query', 'PutItem'], partitions: ['LOG#*'] },
          { actions: ['Query'], partitions: ['AGENTS'] },
          { actions: ['GetItem'], partitions: ['AGENTS'] },
        ],
      },
    });
    const roleId = scope.getLogicalId(fn.role.node.defaultChild as iam.CfnRole);
    const [policy] = Object.values(Template.fromStack(scope).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    const statements = (policy!.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).filter((s) => [s.Action].flat().some((action) => action.startsWith('dynamodb:')));
    const tableArn = scope.resolve(table.tableArn);

    expect(statements).toEqual([
      { Sid: 'Query', Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AGENTS', 'LOG#*'] } } },
      { Sid: 'PutItem', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LOG#*'] } } },
      { Sid: 'GetItem', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['AGENTS'] } } },
    ]);
  });

  it('sets TABLE_NAME but grants nothing when tableAccess is "none"', () => {
    const scope = unbundledStack();
    const table = dynamodb.Table.fromTableName(scope, 'Logs', 'logs');
    const fn = new HouseFunction(scope, 'Fn', { entry: FIXTURE_HANDLER, table, tableAccess: 'none' });
    const resources = Template.fromStack(scope).toJSON().Resources;
    const statements = Object.values(resources as Record<string, { Type: string; Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement);

    expect(statements.flatMap((s) => [s.Action].flat()).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(resources[scope.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)].Properties.Environment.Variables.TABLE_NAME).toBe('logs');
  });

  it('runs on a role of its own, without managed policies, that may write only to its own log group', () => {
    const roleId = stack.getLogicalId(plain.role.node.defaultChild as iam.CfnRole);
    const logGroupId = stack.getLogicalId(plain.logGroup.node.defaultChild as logs.CfnLogGroup);
    const role = template.toJSON().Resources[roleId].Properties;
    const [policy, ...others] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));

    expect(template.toJSON().Resources[logicalId(plain)].Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }),
    ]);
    expect(others).toEqual([]);
    expect(policy!.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
    ]);
  });

  it('grants nothing on a table when given none', () => {
    expect(template.toJSON().Resources[logicalId(plain)].Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
    expect(policyActions(plain).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
  });

  describe('rejects contradictory props', () => {
    const importedTable = (scope: Stack, name: string) => dynamodb.Table.fromTableName(scope, name, name);

    it.each<[string, (scope: Stack) => Partial<HouseFunctionProps>]>([
      ['a relative entry (it would depend on the cwd)', () => ({ entry: 'lambdas/handlers/connect.ts' })],
      ['tableAccess without a table', () => ({ tableAccess: 'read' })],
      ['getItemUnder without a partition key', (scope) => ({ table: importedTable(scope, 'logs'), tableAccess: { getItemUnder: [] } })],
      ['no grants', (scope) => ({ table: importedTable(scope, 'logs'), tableAccess: { grants: [] } })],
      ['a grant without partitions', (scope) => ({ table: importedTable(scope, 'logs'), tableAccess: { grants: [{ actions: ['Query'], partitions: [] }] } })],
      ['a grant without actions', (scope) => ({ table: importedTable(scope, 'logs'), tableAccess: { grants: [{ actions: [], partitions: ['AGENTS'] }] } })],
      [
        'environment.TABLE_NAME next to a table',
        (scope) => ({ table: importedTable(scope, 'logs'), environment: { TABLE_NAME: 'other' } }),
      ],
    ])('throws InvalidPropsError for %s', (_case, props) => {
      const scope = unbundledStack();

      expect(() => new HouseFunction(scope, 'Fn', { entry: FIXTURE_HANDLER, ...props(scope) })).toThrow(InvalidPropsError);
    });

    it('throws InvalidPropsError when useTable is given a second, different table', () => {
      const scope = unbundledStack();
      const fn = new HouseFunction(scope, 'Fn', { entry: FIXTURE_HANDLER, table: importedTable(scope, 'logs') });

      expect(() => fn.useTable(importedTable(scope, 'other'))).toThrow(InvalidPropsError);
    });
  });
});
