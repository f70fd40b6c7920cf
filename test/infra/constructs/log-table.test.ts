import { RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { LogTable, type LogTableProps } from '../../../infra/constructs/log-table';
import { TABLE_DESIGN } from '../../../lambdas/table-design';
import { disposeTestApps, testApp } from '../fixtures/test-app';

const VARIANTS = {
  defaults: {},
  retained: { removalPolicy: RemovalPolicy.RETAIN },
  destroyed: { removalPolicy: RemovalPolicy.DESTROY },
  withoutBackups: { pointInTimeRecovery: false },
} satisfies Record<string, LogTableProps>;

describe('LogTable', () => {
  let app: App;
  const templates = {} as Record<keyof typeof VARIANTS, Template>;

  beforeAll(() => {
    app = testApp();
    const stacks = Object.entries(VARIANTS).map(([name, props]) => {
      const stack = new Stack(app, name);
      new LogTable(stack, 'LogTable', props);
      return [name, stack] as const;
    });
    const assembly = app.synth();
    for (const [name, stack] of stacks) {
      templates[name as keyof typeof VARIANTS] = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
    }
  });

  afterAll(disposeTestApps);

  it('keys items by string pk and sk as TABLE_DESIGN says', () => {
    templates.defaults.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals([
        { AttributeName: TABLE_DESIGN.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_DESIGN.sortKey, AttributeType: 'S' },
      ]),
    });
  });

  it('bills per request, expires items by expiresAt and keeps point-in-time backups', () => {
    templates.defaults.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: false,
      ProvisionedThroughput: Match.absent(),
    });
  });

  it.each<[keyof typeof VARIANTS, string]>([
    ['defaults', 'Retain'],
    ['retained', 'Retain'],
    ['destroyed', 'Delete'],
  ])('with %s removal policy, leaves DeletionPolicy %s', (variant, deletionPolicy) => {
    templates[variant].hasResource('AWS::DynamoDB::Table', { DeletionPolicy: deletionPolicy, UpdateReplacePolicy: deletionPolicy });
  });

  it('turns point-in-time recovery off when asked', () => {
    templates.withoutBackups.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
    });
  });

  it('throws InvalidPropsError for deletionProtection together with removalPolicy DESTROY', () => {
    const stack = new Stack(testApp(), 'Rejected');

    expect(() => new LogTable(stack, 'LogTable', { deletionProtection: true, removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      InvalidPropsError,
    );
  });
});
