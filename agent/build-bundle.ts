/**
 * `npm run build:agent`: the agent as one ES module, dist/agent/sidetail-agent.mjs, that runs on
 * plain Node ≥ 20 with no node_modules — no tsx, no dev dependencies at run time.
 *
 * Two parts of dockerode the agent never uses are replaced by stand-ins that say so if called:
 * docker-modem's ssh2 (for ssh:// Docker hosts, which the agent refuses in docker-client.ts; it
 * reads files beside itself through `__dirname`, which an ES module lacks, and has optional native
 * parts, cpu-features and sshcrypto.node) and dockerode's BuildKit session (gRPC, for image
 * builds). Together they were two thirds of the bundle.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const AGENT_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
export const AGENT_BUNDLE = fileURLToPath(new URL('../dist/agent/sidetail-agent.mjs', import.meta.url));

/** esbuild's ESM output has no `require`; bundled CommonJS (dockerode, ws) requires Node built-ins. */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __agentCreateRequire } from 'node:module';" + 'const require = __agentCreateRequire(import.meta.url);';

/** Module → stand-in source, for what `importer` (a path pattern) requires. */
const STAND_INS: readonly { readonly module: RegExp; readonly importer: RegExp; readonly contents: string }[] = [
  {
    module: /^ssh2$/,
    importer: /docker-modem[\\/]lib[\\/]ssh\.js$/,
    contents: `module.exports = { Client: class Client {
      constructor() { throw new Error('ssh:// Docker hosts are not supported by the Sidetail agent; use unix:// or tcp://'); }
    } };`,
  },
  {
    module: /^\.\/session$/,
    importer: /dockerode[\\/]lib[\\/]docker\.js$/,
    contents: `module.exports = function withSession(docker, auth, handler) {
      handler(new Error('BuildKit sessions are not part of the Sidetail agent'), null, () => undefined);
    };`,
  },
];

const standIns: Plugin = {
  name: 'agent-stand-ins',
  setup(build) {
    build.onResolve({ filter: /^(ssh2|\.\/session)$/ }, (args) => {
      const index = STAND_INS.findIndex((s) => s.module.test(args.path) && s.importer.test(args.importer));
      return index === -1 ? undefined : { path: String(index), namespace: 'agent-stand-in' };
    });
    build.onLoad({ filter: /.*/, namespace: 'agent-stand-in' }, (args) => ({ contents: STAND_INS[Number(args.path)]!.contents, loader: 'js' }));
  },
};

/**
 * Optional native accelerators, which their users require inside try/catch and do fine without
 * (ws: bufferutil, utf-8-validate; debug: supports-color). Left out, so that one installed on the
 * build machine is not half-bundled.
 */
export const OPTIONAL_MODULES = ['bufferutil', 'utf-8-validate', 'supports-color'] as const;

/** The bundle written, its size, and the modules it leaves to Node to load at run time. */
export interface AgentBundle {
  readonly outfile: string;
  readonly bytes: number;
  readonly externalImports: readonly string[];
}

export async function buildAgentBundle(outfile = AGENT_BUNDLE): Promise<AgentBundle> {
  const result = await build({
    entryPoints: [AGENT_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: `#!/usr/bin/env node\n${ESM_REQUIRE_SHIM}` },
    plugins: [standIns],
    external: [...OPTIONAL_MODULES],
    // keepNames: function and class names survive minifying, so a stack trace in `docker logs` still reads.
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const [output] = Object.values(result.metafile.outputs).filter((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild wrote no agent bundle');
  const externalImports = [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))].sort();
  return { outfile, bytes: output.bytes, externalImports };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outfile, bytes } = await buildAgentBundle(process.argv[2] ?? AGENT_BUNDLE);
  console.log(`agent bundle: ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
}
