/**
 * The S3 client of the batch bucket, pointed at S3 or, locally, at the local object store
 * (path-style: the stand-in has no per-bucket host names). The SDK keeps its default checksums
 * (a CRC32 of every upload, verified downloads): the local store checks them as S3 does, so the
 * client runs locally exactly as on AWS.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { localClientOptions } from './local-client-options';
import { guardInvocationDeadline } from './local-invocation-deadline';

export interface S3ClientOptions {
  /** Local only; in AWS the SDK finds the regional endpoint. */
  readonly endpoint?: string;
  readonly region?: string;
}

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  if (!options.endpoint) return new S3Client({ region: options.region });
  const client = new S3Client({ ...localClientOptions(options.endpoint, options.region), forcePathStyle: true });
  // Locally nothing stops a timed-out invocation; this makes its later requests fail as on AWS.
  guardInvocationDeadline(client);
  return client;
}
