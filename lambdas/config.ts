/**
 * The Lambdas' configuration, read from the environment once per container. `loadConfig` is pure
 * (it takes the environment as an argument) so its rules are testable; `config()` is what the
 * runtime calls.
 */
import { DEFAULT_BUFFER_LINES } from '../protocol';
import { BATCH_BUCKET_DESIGN } from './batch-bucket-design';

export interface Config {
  readonly tableName: string;
  /** Newest lines kept per container. */
  readonly bufferLines: number;
  /** How long a stored batch lives (DynamoDB TTL, and filtered on read). */
  readonly bufferTtlSeconds: number;
  /**
   * The S3 bucket of large batches' compressed bytes (lambdas/adapters/s3-batch-bodies.ts). Without
   * it every batch is kept whole in DynamoDB: nothing is lost, a flood costs more per GB.
   */
  readonly batchBucket?: string;
  /** Local only: dynalite instead of DynamoDB. */
  readonly dynamodbEndpoint?: string;
  /** Local only: the local object store instead of S3 (path-style). */
  readonly s3Endpoint?: string;
  /** Local only: the gateway emulator's @connections API instead of `https://${domainName}/${stage}`. */
  readonly connectionsEndpoint?: string;
  /** Set by Lambda itself; locally it may be absent. */
  readonly awsRegion?: string;
}

export const DEFAULT_BUFFER_TTL_SECONDS = 86_400;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid Lambda configuration: ${problems.join('; ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every problem is reported at once, so one deploy fixes them all. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];

  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const positiveInt = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      problems.push(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return Number(raw);
  };
  const optionalUrl = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    if (!URL.canParse(raw)) problems.push(`${name} must be a URL, got ${JSON.stringify(raw)}`);
    return raw;
  };

  const config: Config = {
    tableName: required('TABLE_NAME'),
    bufferLines: positiveInt('BUFFER_LINES', DEFAULT_BUFFER_LINES),
    bufferTtlSeconds: positiveInt('BUFFER_TTL_SECONDS', DEFAULT_BUFFER_TTL_SECONDS),
    batchBucket: env.BATCH_BUCKET?.trim() || undefined,
    dynamodbEndpoint: optionalUrl('DYNAMODB_ENDPOINT'),
    s3Endpoint: optionalUrl('S3_ENDPOINT'),
    connectionsEndpoint: optionalUrl('CONNECTIONS_ENDPOINT'),
    awsRegion: env.AWS_REGION?.trim() || undefined,
  };
  // An item must expire before the object holding its bytes (the bucket's lifecycle rule).
  const objectLifeSeconds = BATCH_BUCKET_DESIGN.expireAfterDays * 86_400;
  if (config.batchBucket && config.bufferTtlSeconds >= objectLifeSeconds) {
    problems.push(`BUFFER_TTL_SECONDS must be under ${objectLifeSeconds} (the batch bucket's objects expire after ${BATCH_BUCKET_DESIGN.expireAfterDays} days), got ${config.bufferTtlSeconds}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

let loaded: Config | undefined;

/** The process environment's configuration, read on first use and kept for the container's life. */
export function config(): Config {
  loaded ??= loadConfig(process.env);
  return loaded;
}
