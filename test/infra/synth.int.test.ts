/**
 * The composition root synthesized the way `cdk synth` runs it — cdk.json's "app" command (the
 * dashboard's vite build, then infra/bin/app.ts) in a child process with cdk.json's context and an
 * output directory in the environment — but without the CLI, so it needs no AWS credentials or
 * network. The app itself runs from a foreign working directory to prove nothing depends on it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZER_ENTRY, ROUTE_TABLE } from '../../lambdas/route-table';
import { runBundle } from './fixtures/bundle-runner';
import { cdkJsonContext } from './fixtures/test-app';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const APP = join(REPO_ROOT, 'infra/bin/app.ts');

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

describe('cdk app synthesis', () => {
  let outdir: string;
  let cwd: string;
  let resources: Record<string, Resource>;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'sidetail-synth-'));
    cwd = mkdtempSync(join(tmpdir(), 'sidetail-cwd-'));
    const { CDK_DEFAULT_ACCOUNT: _account, CDK_DEFAULT_REGION: _region, ...env } = process.env;
    await promisify(execFile)('npm', ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    await promisify(execFile)(TSX, [APP], {
      cwd,
      env: { ...env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkJsonContext()) },
      maxBuffer: 16 * 1024 * 1024,
    });
    resources = (JSON.parse(readFileSync(join(outdir, 'Sidetail.template.json'), 'utf8')) as { Resources: Record<string, Resource> })
      .Resources;
  }, 600_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });

  it('produces one environment-agnostic "Sidetail" stack', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');

    expect(stacks).toEqual([['Sidetail', expect.objectContaining({ environment: 'aws://unknown-account/unknown-region' })]]);
  });

  it('passes CDK’s CloudFormation template validation without findings', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };

    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('holds the table and the batch bucket, one function per route plus the authorizer, the WebSocket API with its stage, and the dashboard site', () => {
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;

    expect({
      tables: count('AWS::DynamoDB::Table'),
      secrets: count('AWS::SecretsManager::Secret'),
      // The routes' and the authorizer's, and the dashboard deployment's (CDK's BucketDeployment).
      functions: count('AWS::Lambda::Function'),
      apis: count('AWS::ApiGatewayV2::Api'),
      routes: count('AWS::ApiGatewayV2::Route'),
      authorizers: count('AWS::ApiGatewayV2::Authorizer'),
      stages: count('AWS::ApiGatewayV2::Stage'),
      buckets: count('AWS::S3::Bucket'),
      distributions: count('AWS::CloudFront::Distribution'),
      deployments: count('Custom::CDKBucketDeployment'),
    }).toEqual({
      tables: 1,
      secrets: 0,
      functions: ROUTE_TABLE.length + 2,
      apis: 1,
      routes: ROUTE_TABLE.length,
      authorizers: 1,
      stages: 1,
      // The dashboard's and the batch bucket (a flood's compressed lines).
      buckets: 2,
      distributions: 1,
      deployments: 1,
    });
  });

  it('ships the dashboard as `npm run build:web` built it', () => {
    const [deployment] = Object.values(resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    const [build] = deployment!.Properties.SourceObjectKeys as string[];
    const staged = join(outdir, `asset.${build!.replace(/\.zip$/, '')}`);

    expect(readFileSync(join(staged, 'index.html'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'web/dist/index.html'), 'utf8'));
  });

  it.each([...ROUTE_TABLE, AUTHORIZER_ENTRY].map((route) => [route.name, route.entry]))(
    'bundles the %s handler (%s) into an ES module that loads and exports handler',
    async (name) => {
      const [, fn] = Object.entries(resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(`${name}HandlerFunction`),
      )!;
      const dir = join(outdir, `asset.${(fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);

      const report = await runBundle(dir);

      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(report.handlerType).toBe('function');
    },
  );
});
