/**
 * Turns CDK context and the CDK_DEFAULT_* environment into typed stack settings. Pure: app.ts hands
 * it the context lookup and the environment, so it is the only code that knows their spelling.
 *
 * Context keys (cdk.json "context" or `cdk synth -c key=value`; CLI values arrive as strings):
 *   stackName         default "Sidetail"
 *   stageName         default "live"
 *   bufferLines       default 1000
 *   bufferTtlSeconds  default 86400
 *   removalPolicy     "retain" | "destroy", default "retain": the table, the dashboard bucket and
 *                     the log groups stay when the stack is deleted (production); "destroy" for a trial
 *   logRetentionDays  one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, …, 3653), default 30
 *   alarmEmail        an address to mail the alarms to, default none (the alarms still show in CloudWatch)
 *   createApiGatewayLogRole  true | false, default true: set this account and region's API Gateway
 *                     CloudWatch role (the stage's logs need one); false where the account has one already
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

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
  readonly logRetention: logs.RetentionDays;
  readonly alarmEmail: string | undefined;
  readonly createApiGatewayLogRole: boolean;
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
// What SNS takes as an e-mail endpoint, loosely: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// CloudWatch Logs accepts only these periods (RetentionDays, without INFINITE: logs must end).
const RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter(
  (days): days is number => typeof days === 'number' && days !== logs.RetentionDays.INFINITE,
);

export function readAppSettings(context: ContextLookup, env: NodeJS.ProcessEnv): AppSettings {
  return {
    stackName: matching(context, 'stackName', STACK_NAME, 'Sidetail'),
    env: { account: env.CDK_DEFAULT_ACCOUNT || undefined, region: env.CDK_DEFAULT_REGION || undefined },
    stageName: matching(context, 'stageName', STAGE_NAME, 'live'),
    bufferLines: positiveInteger(context, 'bufferLines', 1000),
    bufferTtlSeconds: positiveInteger(context, 'bufferTtlSeconds', 86_400),
    removalPolicy: removalPolicy(context, 'removalPolicy', 'retain'),
    logRetention: retention(context, 'logRetentionDays', logs.RetentionDays.ONE_MONTH),
    alarmEmail: optionalMatching(context, 'alarmEmail', EMAIL, 'an e-mail address'),
    createApiGatewayLogRole: boolean(context, 'createApiGatewayLogRole', true),
  };
}

function optionalMatching(context: ContextLookup, key: string, pattern: RegExp, expected: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidContextError(key, value, expected);
  return value;
}

function retention(context: ContextLookup, key: string, fallback: logs.RetentionDays): logs.RetentionDays {
  const value = context(key);
  if (value === undefined) return fallback;
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof days !== 'number' || !RETENTION_DAYS.includes(days)) {
    throw new InvalidContextError(key, value, `one of ${RETENTION_DAYS.join(', ')} (days)`);
  }
  return days as logs.RetentionDays;
}

function boolean(context: ContextLookup, key: string, fallback: boolean): boolean {
  const value = context(key);
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidContextError(key, value, 'true or false');
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
