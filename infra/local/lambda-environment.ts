/**
 * The environment the Lambda handlers read their configuration from (lambdas/config.ts). Locally
 * the handlers run in this process, so it is set on `process.env` before they are loaded — and
 * since they keep the first configuration they read for the life of the process (as in a Lambda
 * container), one process can host only one local cloud's configuration.
 */
export interface LambdaEnvironment {
  readonly TABLE_NAME: string;
  readonly BUFFER_LINES?: string;
  readonly BUFFER_TTL_SECONDS?: string;
  readonly DYNAMODB_ENDPOINT: string;
  readonly CONNECTIONS_ENDPOINT: string;
  /** The local object store's bucket of large batches' bytes, and where the store listens. */
  readonly BATCH_BUCKET?: string;
  readonly S3_ENDPOINT?: string;
  /** Used only when AWS_REGION is not already set. */
  readonly AWS_REGION?: string;
}

export class LambdaEnvironmentConflictError extends Error {
  override readonly name = 'LambdaEnvironmentConflictError';
  constructor(readonly differing: readonly string[]) {
    super(
      `the Lambda handlers in this process already run with another configuration (${differing.join(', ')} differ): ` +
        'they read it once per process, like a Lambda container, so start one local cloud per process (one per test file)',
    );
  }
}

let applied: Readonly<Record<string, string>> | undefined;

/**
 * Sets the handlers' environment. Dummy AWS credentials are added when none are set: the SDK
 * insists on some, and the local engines never check them.
 */
export function applyLambdaEnvironment(env: LambdaEnvironment, target: NodeJS.ProcessEnv = process.env): void {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && name !== 'AWS_REGION') values[name] = value;
  }
  if (target === process.env && applied) {
    const differing = Object.keys({ ...applied, ...values }).filter((name) => applied![name] !== values[name]);
    if (differing.length > 0) throw new LambdaEnvironmentConflictError(differing);
  }
  Object.assign(target, values);
  target.AWS_REGION ||= env.AWS_REGION ?? 'local';
  target.AWS_ACCESS_KEY_ID ||= 'local';
  target.AWS_SECRET_ACCESS_KEY ||= 'local';
  if (target === process.env) applied = values;
}
