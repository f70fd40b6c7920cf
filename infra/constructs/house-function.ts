/**
 * The one way Sidetail builds a Lambda: Node.js 22 on ARM64, bundled by esbuild to an ES module
 * with source maps, logs in a LogGroup with a retention, a role of its own that may write only to
 * that LogGroup (no AWSLambdaBasicExecutionRole, which allows every log group of the account), and
 * table access that can only be granted together with the TABLE_NAME it refers to.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_TIMEOUT_SECONDS } from '../../lambdas/lambda-limits';
import { InvalidPropsError } from './invalid-props-error';

/** The item-level DynamoDB actions a Sidetail function may be granted (never Scan). */
export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

/**
 * Some actions, on the items of some partitions only (IAM's dynamodb:LeadingKeys). A partition
 * ending in `*` is a prefix (`CONN#*`: every connection's partition); any other is exact.
 */
export interface TableGrant {
  readonly actions: readonly TableAction[];
  readonly partitions: readonly string[];
}

/**
 * `read` and `readWrite` cover every item; `{ getItemUnder }` allows only GetItem, and only on
 * items whose partition key is one of those listed; `{ grants }` allows exactly the listed
 * actions on the listed partitions; `none` allows nothing (TABLE_NAME only: for code whose
 * configuration names the table although it never reads or writes it).
 */
export type TableAccess =
  | 'none'
  | 'read'
  | 'readWrite'
  | { readonly getItemUnder: readonly string[] }
  | { readonly grants: readonly TableGrant[] };

/** The environment variable a handler's config reads the table name from (lambdas/config.ts). */
export const TABLE_NAME_ENV = 'TABLE_NAME';

/** Lock file that marks the project root esbuild bundles from (the repository uses npm). */
const LOCK_FILE = 'package-lock.json';

/**
 * esbuild's ESM output has no `require`; a bundled CommonJS dependency that requires a Node
 * built-in would otherwise fail at cold start with "Dynamic require of … is not supported".
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __houseCreateRequire } from 'node:module';" +
  'const require = __houseCreateRequire(import.meta.url);';

export interface HouseFunctionProps {
  /** Absolute path of the handler module. Relative paths are rejected: they would depend on the cwd of `cdk synth`. */
  readonly entry: string;
  /** Name of the exported handler function. @default 'handler' */
  readonly handler?: string;
  /** @default no description */
  readonly description?: string;
  /** @default 256 (MiB) — bundles are small and SDK-free; more memory mainly buys CPU for JSON work. */
  readonly memorySize?: number;
  /** @default Duration.seconds(LAMBDA_TIMEOUT_SECONDS) (lambdas/lambda-limits.ts, which the local gateway enforces too). */
  readonly timeout?: Duration;
  /** Extra environment. May not contain TABLE_NAME when `table` is set. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Table to grant access to; also sets TABLE_NAME. Same as calling `useTable` later. @default no table */
  readonly table?: dynamodb.ITable;
  /** Access granted on `table`. Only valid together with `table`. @default 'readWrite' */
  readonly tableAccess?: TableAccess;
  /** How long the function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the LogGroup when the stack is deleted. @default RemovalPolicy.DESTROY — operational logs, already bounded by `logRetention`. */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Directory holding package-lock.json and node_modules for bundling.
   * @default the nearest ancestor of `entry` containing package-lock.json
   */
  readonly projectRoot?: string;
}

export class HouseFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  /** The function's own role: nothing but writing to `logGroup`, plus what is granted later. */
  public readonly role: iam.Role;
  /** The table granted via `table` or `useTable`, if any. */
  public get table(): dynamodb.ITable | undefined {
    return this.grantedTable;
  }

  private grantedTable: dynamodb.ITable | undefined;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    validate(props);
    const projectRoot = props.projectRoot ?? findProjectRoot(props.entry);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${this.node.path}: writes its own log group only`,
    });
    // CreateLogStream and PutLogEvents on this group's streams; the group itself exists already.
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      // Explicit, never NODEJS_LATEST: the runtime must match the SDK we leave external below.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(LAMBDA_TIMEOUT_SECONDS),
      logGroup: this.logGroup,
      role: this.role,
      projectRoot,
      depsLockFilePath: join(projectRoot, LOCK_FILE),
      environment: {
        // Stack traces point at the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        // The Node 22 runtime ships AWS SDK v3 (and its @smithy internals); bundling our own copy
        // would only grow cold starts. Trade-off: the runtime's SDK version moves under us.
        externalModules: ['@aws-sdk/*', '@smithy/*'],
        minify: true,
        keepNames: true,
        sourceMap: true,
        sourceMapMode: nodejs.SourceMapMode.DEFAULT,
        sourcesContent: false,
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundles target node22 and leave @aws-sdk to the runtime, and the local gateway and tests run the handlers the same way; moving to a newer runtime is a deliberate, tested change, not a drift.',
    });

    if (props.table) this.useTable(props.table, props.tableAccess ?? 'readWrite');
  }

  /**
   * Grants the function `access` to `table` and sets TABLE_NAME to it, in one call so that the
   * permission and the name the code uses can never point at different tables.
   */
  public useTable(table: dynamodb.ITable, access: TableAccess = 'readWrite'): void {
    if (this.grantedTable && this.grantedTable !== table) {
      throw new InvalidPropsError('HouseFunction', `${this.node.path} already uses another table; TABLE_NAME holds one name`);
    }
    this.grantedTable = table;
    this.grant(table, access);
    this.function.addEnvironment(TABLE_NAME_ENV, table.tableName);
  }

  private grant(table: dynamodb.ITable, access: TableAccess): void {
    if (access === 'none') return;
    if (access === 'read') table.grantReadData(this.function);
    else if (access === 'readWrite') table.grantReadWriteData(this.function);
    else if ('getItemUnder' in access) {
      if (access.getItemUnder.length === 0) throw new InvalidPropsError('HouseFunction', 'tableAccess.getItemUnder lists no partition key');
      this.grantOnPartitions(table, [{ actions: ['GetItem'], partitions: access.getItemUnder }]);
    } else this.grantOnPartitions(table, access.grants);
  }

  /** One statement per action, each limited to the union of the partitions granted it. */
  private grantOnPartitions(table: dynamodb.ITable, grants: readonly TableGrant[]): void {
    if (grants.length === 0) throw new InvalidPropsError('HouseFunction', 'tableAccess.grants is empty; pass no table instead');
    const byAction = new Map<TableAction, Set<string>>();
    for (const { actions, partitions } of grants) {
      if (actions.length === 0 || partitions.length === 0) {
        throw new InvalidPropsError('HouseFunction', 'every tableAccess grant needs at least one action and one partition');
      }
      for (const action of actions) {
        const set = byAction.get(action) ?? new Set<string>();
        for (const partition of partitions) set.add(partition);
        byAction.set(action, set);
      }
    }
    for (const [action, partitions] of byAction) {
      const keys = [...partitions].sort();
      // StringLike treats `*` as a wildcard; StringEquals, for exact keys only, says so plainly.
      const operator = keys.some((key) => key.includes('*')) ? 'ForAllValues:StringLike' : 'ForAllValues:StringEquals';
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: action,
          actions: [`dynamodb:${action}`],
          resources: [table.tableArn],
          conditions: { [operator]: { 'dynamodb:LeadingKeys': keys } },
        }),
      );
    }
  }
}

function validate(props: HouseFunctionProps): void {
  if (!isAbsolute(props.entry)) {
    throw new InvalidPropsError('HouseFunction', `entry must be an absolute path, got "${props.entry}"`);
  }
  if (props.tableAccess !== undefined && props.table === undefined) {
    throw new InvalidPropsError('HouseFunction', 'tableAccess is set but there is no table to grant it on');
  }
  if (props.table !== undefined && props.environment && TABLE_NAME_ENV in props.environment) {
    throw new InvalidPropsError('HouseFunction', `environment.${TABLE_NAME_ENV} conflicts with table, which sets it`);
  }
}

/** Walks up from the entry (not from the cwd) so synth works from any directory. */
function findProjectRoot(entry: string): string {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, LOCK_FILE))) return dir;
    if (dirname(dir) === dir) {
      throw new InvalidPropsError('HouseFunction', `no ${LOCK_FILE} above ${entry}; pass projectRoot`);
    }
  }
}
