/**
 * The S3 bucket of large batches' compressed bytes (lambdas/adapters/s3-batch-bodies.ts): S3
 * bills a PUT the same whatever its size, DynamoDB a write unit per KB, so a flood's batches keep
 * their bytes here and their items in the LogTable. Private and TLS-only; objects expire by a
 * lifecycle rule after BATCH_BUCKET_DESIGN's days, after the items pointing at them (24 h TTL).
 */
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BATCH_BUCKET_DESIGN } from '../../lambdas/batch-bucket-design';
import { InvalidPropsError } from './invalid-props-error';

/** The environment variable a handler's config reads the bucket name from (lambdas/config.ts). */
export const BATCH_BUCKET_ENV = 'BATCH_BUCKET';

export interface BatchBucketProps {
  /**
   * What happens to the bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN — as the LogTable's: deleting data must be a decision.
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Empty the bucket when the stack deletes it (a custom resource), so that DESTROY can succeed.
   * Only with removalPolicy DESTROY.
   * @default true with removalPolicy DESTROY, false otherwise
   */
  readonly autoDeleteObjects?: boolean;
  /**
   * How long the buffer's items live (BUFFER_TTL_SECONDS): they must expire before the objects
   * holding their bytes, so it must be under the lifecycle's days.
   * @default 86400
   */
  readonly bufferTtlSeconds?: number;
}

/** What a function does with batch bodies: the buffer's readers only read them; log.batch also writes. */
export type BatchBodyAccess = 'read' | 'readWrite';

export class BatchBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BatchBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    const autoDeleteObjects = props.autoDeleteObjects ?? destroy;
    if (autoDeleteObjects && !destroy) {
      throw new InvalidPropsError('BatchBucket', 'autoDeleteObjects empties a bucket the stack deletes; with removalPolicy other than DESTROY it is never deleted');
    }
    const bufferTtlSeconds = props.bufferTtlSeconds ?? 86_400;
    const objectLifeSeconds = BATCH_BUCKET_DESIGN.expireAfterDays * 86_400;
    if (!(bufferTtlSeconds < objectLifeSeconds)) {
      throw new InvalidPropsError('BatchBucket', `bufferTtlSeconds (${bufferTtlSeconds}) must be under ${objectLifeSeconds}: an item would outlive the object holding its bytes`);
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Objects are written once (If-None-Match: *) and only expire: versions would hold them longer.
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-batch-bodies',
          expiration: Duration.days(BATCH_BUCKET_DESIGN.expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the Sidetail functions reach this bucket, each PUT and GET a log batch the WebSocket stage access logs and the functions\' logs already account for; a server access log would record those alone, and cost more than the bucket.',
    });
  }

  /**
   * Lets `fn` read (GetObject) and, for 'readWrite', write (PutObject) batch bodies — only under
   * BATCH_BUCKET_DESIGN.objectPrefix — and sets BATCH_BUCKET in its environment: one call, so a
   * function never has the name without the grant.
   */
  public useFrom(fn: lambda.Function, access: BatchBodyAccess): void {
    const objects = this.bucket.arnForObjects(`${BATCH_BUCKET_DESIGN.objectPrefix}*`);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    // S3 answers a missing key with 404 only to a caller that may list the bucket (else 403); the
    // bucket holds batch bodies only, so listing it reveals nothing the function cannot read.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    if (access === 'readWrite') fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    fn.addEnvironment(BATCH_BUCKET_ENV, this.bucket.bucketName);
    if (fn.role) {
      const bucketArn = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${BATCH_BUCKET_DESIGN.objectPrefix}*]`,
        reason: 'Batch objects are keyed by container, epoch, first seq and digest, known only when a batch arrives: the grant covers the batch prefix of this one bucket, nothing else.',
      });
    }
  }
}
