/**
 * The composition root synthesized the way `cdk synth` runs it — a child process with cdk.json's
 * context and an output directory in the environment — but without the CLI, so it needs no AWS
 * credentials or network. It runs from a foreign working directory to prove nothing depends on it.
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

  it('holds the table, one function per route plus the authorizer, and the WebSocket API with its stage', () => {
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;

    expect({
      tables: count('AWS::DynamoDB::Table'),
      secrets: count('AWS::SecretsManager::Secret'),
      functions: count('AWS::Lambda::Function'),
      apis: count('AWS::ApiGatewayV2::Api'),
      routes: count('AWS::ApiGatewayV2::Route'),
      authorizers: count('AWS::ApiGatewayV2::Authorizer'),
      stages: count('AWS::ApiGatewayV2::Stage'),
    }).toEqual({ tables: 1, secrets: 0, functions: ROUTE_TABLE.length + 1, apis: 1, routes: ROUTE_TABLE.length, authorizers: 1, stages: 1 });
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
