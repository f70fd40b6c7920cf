/**
 * Turns CDK context and the CDK_DEFAULT_* environment into typed stack settings. Pure: app.ts hands
 * it the context lookup and the environment, so it is the only code that knows their spelling.
 *
 * Context keys (cdk.json "context" or `cdk synth -c key=value`; CLI values arrive as strings):
 *   stackName         default "Sidetail"
 *   stageName         default "live"
 *   bufferLines       default 1000
 *   bufferTtlSeconds  default 86400
 *   removalPolicy     "retain" | "destroy", default "retain"
 */
import { RemovalPolicy } from 'aws-cdk-lib';

export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';

  constructor(
    readonly key: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`context "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
  }
}

export interface AppSettings {
  readonly stackName: string;
  /** Undefined account/region keep the stack environment-agnostic (synth needs no credentials). */
  readonly env: { readonly account: string | undefined; readonly region: string | undefined };
  readonly stageName: string;
  readonly bufferLines: number;
  readonly bufferTtlSeconds: number;
  readonly removalPolicy: RemovalPolicy;
}

export type ContextLookup = (key: string) => unknown;

const REMOVAL_POLICIES: Readonly<Record<string, RemovalPolicy>> = {
  retain: RemovalPolicy.RETAIN,
  destroy: RemovalPolicy.DESTROY,
};

// CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
// API Gateway stage names: letters, digits, hyphens and underscores, at most 128 characters.
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

export function readAppSettings(context: ContextLookup, env: NodeJS.ProcessEnv): AppSettings {
  return {
    stackName: matching(context, 'stackName', STACK_NAME, 'Sidetail'),
    env: { account: env.CDK_DEFAULT_ACCOUNT || undefined, region: env.CDK_DEFAULT_REGION || undefined },
    stageName: matching(context, 'stageName', STAGE_NAME, 'live'),
    bufferLines: positiveInteger(context, 'bufferLines', 1000),
    bufferTtlSeconds: positiveInteger(context, 'bufferTtlSeconds', 86_400),
    removalPolicy: removalPolicy(context, 'removalPolicy', 'retain'),
  };
}

function matching(context: ContextLookup, key: string, pattern: RegExp, fallback: string): string {
  const value = context(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidContextError(key, value, `a string matching ${pattern}`);
  return value;
}

function positiveInteger(context: ContextLookup, key: string, fallback: number): number {
  const value = context(key);
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw new InvalidContextError(key, value, 'a positive integer');
  }
  return number;
}

function removalPolicy(context: ContextLookup, key: string, fallback: string): RemovalPolicy {
  const value = context(key) ?? fallback;
  const policy = typeof value === 'string' ? REMOVAL_POLICIES[value] : undefined;
  if (policy === undefined) throw new InvalidContextError(key, value, `one of ${Object.keys(REMOVAL_POLICIES).join(', ')}`);
  return policy;
}
