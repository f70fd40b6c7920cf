import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Stack, Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchBucket, type BatchBucketProps } from '../../../infra/constructs/batch-bucket';
import { InvalidPropsError } from '../../../infra/constructs/invalid-props-error';
import { BATCH_BUCKET_DESIGN } from '../../../lambdas/batch-bucket-design';
import { disposeTestApps, testApp } from '../fixtures/test-app';

const VARIANTS = {
  defaults: {},
  destroyed: { removalPolicy: RemovalPolicy.DESTROY },
  destroyedKeepingObjects: { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: false },
} satisfies Record<string, BatchBucketProps>;

const inlineFunction = (stack: Stack, id: string) =>
  new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });

describe('BatchBucket', () => {
  let app: App;
  const templates = {} as Record<keyof typeof VARIANTS, Template>;
  let grants: { stack: Stack; template: Template; bucket: BatchBucket; reader: lambda.Function; writer: lambda.Function };

  beforeAll(() => {
    app = testApp({ bundle: false });
    const stacks = Object.entries(VARIANTS).map(([name, props]) => {
      const stack = new Stack(app, name);
      new BatchBucket(stack, 'BatchBucket', props);
      return [name, stack] as const;
    });
    const stack = new Stack(app, 'grants');
    const bucket = new BatchBucket(stack, 'BatchBucket');
    const reader = inlineFunction(stack, 'Reader');
    const writer = inlineFunction(stack, 'Writer');
    bucket.useFrom(reader, 'read');
    bucket.useFrom(writer, 'readWrite');
    // One synth for every stack: the app refuses a second once its tree has grown.
    const assembly = app.synth();
    const templateOf = (s: Stack) => Template.fromJSON(assembly.getStackArtifact(s.artifactId).template);
    for (const [name, variant] of stacks) templates[name as keyof typeof VARIANTS] = templateOf(variant);
    grants = { stack, template: templateOf(stack), bucket, reader, writer };
  });

  afterAll(disposeTestApps);

  const bucketRef = () => ({ 'Fn::GetAtt': [grants.stack.getLogicalId(grants.bucket.bucket.node.defaultChild as s3.CfnBucket), 'Arn'] });
  const statementsOf = (fn: lambda.Function) => {
    const roleId = grants.stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole);
    const policies = Object.values(grants.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  };
  /** [action, resource] pairs of a function's policy, sorted (CDK merges statements on one resource). */
  const grantsOf = (fn: lambda.Function) =>
    statementsOf(fn)
      .flatMap((statement) => [statement.Action].flat().map((action) => [action, statement.Resource] as const))
      .sort(([a], [b]) => a.localeCompare(b));

  it('is private: every public access blocked, S3-managed encryption, owner-enforced objects, no versions', () => {
    templates.defaults.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: Match.absent(),
    });
  });

  it('refuses every request not over TLS', () => {
    templates.defaults.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it(`expires every object ${BATCH_BUCKET_DESIGN.expireAfterDays} days after it was written, after the 24 h items that point at it`, () => {
    templates.defaults.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Status: 'Enabled', ExpirationInDays: BATCH_BUCKET_DESIGN.expireAfterDays, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })],
      },
    });
    expect(BATCH_BUCKET_DESIGN.expireAfterDays * 86_400).toBeGreaterThan(86_400);
  });

  it.each<[keyof typeof VARIANTS, string, boolean]>([
    ['defaults', 'Retain', false],
    ['destroyed', 'Delete', true],
    ['destroyedKeepingObjects', 'Delete', false],
  ])('with %s props, leaves DeletionPolicy %s (objects emptied on deletion: %s)', (variant, deletionPolicy, autoDeletes) => {
    templates[variant].hasResource('AWS::S3::Bucket', { DeletionPolicy: deletionPolicy, UpdateReplacePolicy: deletionPolicy });
    expect(Object.keys(templates[variant].findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(autoDeletes ? 1 : 0);
  });

  it('lets a reader GetObject (and ListBucket, for 404s) on the batch objects only, and a writer PutObject there too', () => {
    const objects = { 'Fn::Join': ['', [bucketRef(), `/${BATCH_BUCKET_DESIGN.objectPrefix}*`]] };
    expect(grantsOf(grants.reader)).toEqual([
      ['s3:GetObject', objects],
      ['s3:ListBucket', bucketRef()],
    ]);
    expect(grantsOf(grants.writer)).toEqual([
      ['s3:GetObject', objects],
      ['s3:ListBucket', bucketRef()],
      ['s3:PutObject', objects],
    ]);
  });

  it('tells every function it grants the bucket’s name as BATCH_BUCKET', () => {
    const name = { Ref: grants.stack.getLogicalId(grants.bucket.bucket.node.defaultChild as s3.CfnBucket) };
    for (const fn of [grants.reader, grants.writer]) {
      grants.template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: { Variables: { BATCH_BUCKET: name } },
        Role: { 'Fn::GetAtt': [grants.stack.getLogicalId(fn.role!.node.defaultChild as iam.CfnRole), 'Arn'] },
      });
    }
  });

  it.each<[string, BatchBucketProps, RegExp]>([
    ['autoDeleteObjects on a retained bucket', { autoDeleteObjects: true }, /autoDeleteObjects/],
    ['a buffer TTL as long as the objects live', { bufferTtlSeconds: BATCH_BUCKET_DESIGN.expireAfterDays * 86_400 }, /bufferTtlSeconds/],
  ])('throws InvalidPropsError for %s', (_name, props, problem) => {
    const stack = new Stack(testApp({ bundle: false }), 'Rejected');

    expect(() => new BatchBucket(stack, 'BatchBucket', props)).toThrow(InvalidPropsError);
    expect(() => new BatchBucket(new Stack(testApp({ bundle: false }), 'Rejected'), 'BatchBucket', props)).toThrow(problem);
  });

  it('leaves cdk-nag’s AwsSolutions checks nothing unacknowledged, retained or destroyed, with a reader and a writer', () => {
    const nagApp = testApp({ bundle: false });
    for (const [name, removalPolicy] of [['Retained', RemovalPolicy.RETAIN], ['Destroyed', RemovalPolicy.DESTROY]] as const) {
      const stack = new Stack(nagApp, name);
      const bucket = new BatchBucket(stack, 'BatchBucket', { removalPolicy });
      bucket.useFrom(inlineFunction(stack, 'Reader'), 'read');
      bucket.useFrom(inlineFunction(stack, 'Writer'), 'readWrite');
    }
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    try {
      nagApp.synth();
    } catch (error) {
      if (!(error instanceof Error) || !/Validation failed|ValidationFailed/i.test(`${error.name} ${error.message}`)) throw error;
    }
    const report = JSON.parse(readFileSync(join(nagApp.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    const findings = report.pluginReports.flatMap((plugin) => (plugin.violations ?? []).flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)));

    // The inline test functions' own findings (their runtime, their managed basic execution role) are not the bucket's.
    expect(findings.filter((finding) => !/^AwsSolutions-(IAM4\[[^\]]*\]|L1) at \w+\/(Reader|Writer)\//.test(finding))).toEqual([]);
  });
});
