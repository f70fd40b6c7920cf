/**
 * The size of each Lambda's bundle, built with esbuild as the CDK stack builds it (the bundling
 * options of infra/constructs/house-function.ts: ESM for Node 22, minified, names kept, the AWS SDK
 * and @smithy left to the runtime, the require shim as banner), for every handler of the route
 * table and the authorizer. Cold starts grow with it. lambda_bundle_kb is the largest (goal ≤ 150);
 * the source map, a separate file Lambda loads only for a stack trace, is not counted.
 *
 * Runs alone with `npm run bench -- lambda-bundle`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { AUTHORIZER_ENTRY, ROUTE_TABLE } from '../lambdas/route-table';
import type { BenchRow } from './bench-table';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const GOAL_KB = 150;

/** As infra/constructs/house-function.ts's ESM_REQUIRE_SHIM. */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __houseCreateRequire } from 'node:module';" + 'const require = __houseCreateRequire(import.meta.url);';

export async function bundleBytes(entry: string): Promise<number> {
  const result = await build({
    entryPoints: [resolve(REPO_ROOT, entry)],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_SHIM },
    external: ['@aws-sdk/*', '@smithy/*'],
    minify: true,
    keepNames: true,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  return result.outputFiles.reduce((sum, file) => sum + (file.path.endsWith('.mjs') ? file.contents.length : 0), 0);
}

export async function benchLambdaBundle(): Promise<BenchRow[]> {
  const entries = [...ROUTE_TABLE.map((route) => ({ name: route.routeKey, entry: route.entry })), { name: 'authorizer', entry: AUTHORIZER_ENTRY.entry }];
  const sizes: { name: string; kb: number }[] = [];
  for (const { name, entry } of entries) sizes.push({ name, kb: (await bundleBytes(entry)) / 1024 });
  const largest = sizes.reduce((a, b) => (b.kb > a.kb ? b : a));
  console.log(`BENCH lambda_bundle_kb ${largest.kb.toFixed(1)} KB`);
  for (const { name, kb } of sizes) console.log(`BENCH lambda_bundle_kb_${name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_/, '')} ${kb.toFixed(1)} KB`);
  return [{ bench: `Lambda bundles as the CDK stack builds them, largest of ${sizes.length} (${largest.name}) (baseline: the goal)`, measure: 'KB', subject: largest.kb, baseline: GOAL_KB }];
}
