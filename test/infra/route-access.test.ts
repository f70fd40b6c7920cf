/**
 * route-access.ts is written by hand from the code; this reads the code the same way — from each
 * route's domain function through the domain files it imports, collecting the port methods called —
 * so that a handler that starts using another port method (or stops) fails here, not with an
 * AccessDenied in production or a permission nobody needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUTHORIZER_ACCESS, PORT_METHODS, ROUTE_ACCESS } from '../../infra/stacks/route-access';
import { ROUTE_TABLE } from '../../lambdas/route-table';

const LAMBDAS = fileURLToPath(new URL('../../lambdas/', import.meta.url));
const DOMAIN = join(LAMBDAS, 'domain');
const PORT_CALL = /\b(connections|subscriptions|agents|hostContainers|credentials|buffer)\.(\w+)\(/g;
const LOCAL_IMPORT = /from '\.\/([\w-]+)'/g;

/** The methods each port of lambdas/domain/ports.ts declares: a local `agents.keys()` is no port call. */
const PORT_INTERFACES = { connections: 'Connections', subscriptions: 'Subscriptions', agents: 'Agents', hostContainers: 'HostContainers', credentials: 'Credentials', buffer: 'LogBuffer' };
function portMethodNames(): Set<string> {
  const ports = readFileSync(join(DOMAIN, 'ports.ts'), 'utf8');
  const names = new Set<string>();
  for (const [port, name] of Object.entries(PORT_INTERFACES)) {
    const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(ports)?.[1];
    if (!body) throw new Error(`no interface ${name} in lambdas/domain/ports.ts`);
    for (const [, method] of body.matchAll(/^\s+(\w+)\(/gm)) names.add(`${port}.${method}`);
  }
  return names;
}
const PORT_METHOD_NAMES = portMethodNames();

const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
const domainFiles = new Map(
  readdirSync(DOMAIN)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.replace(/\.ts$/, ''), withoutComments(readFileSync(join(DOMAIN, file), 'utf8'))]),
);

/** Port methods called by a domain module and every domain module it imports, transitively. */
function portMethodsReachedFrom(module: string): string[] {
  const seen = new Set<string>();
  const methods = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const source = domainFiles.get(name);
    if (source === undefined) throw new Error(`no lambdas/domain/${name}.ts`);
    for (const [, port, method] of source.matchAll(PORT_CALL)) {
      if (PORT_METHOD_NAMES.has(`${port}.${method}`)) methods.add(`${port}.${method}`);
    }
    for (const [, imported] of source.matchAll(LOCAL_IMPORT)) visit(imported!);
  };
  visit(module);
  return [...methods].sort();
}

/** action → domain module, read from lambdas/handlers/action-runners.ts. */
function actionModules(): Map<string, string> {
  const source = readFileSync(join(LAMBDAS, 'handlers/action-runners.ts'), 'utf8');
  const moduleOf = new Map([...source.matchAll(/import \{ (\w+) \} from '\.\.\/domain\/([\w-]+)'/g)].map(([, fn, file]) => [fn!, file!]));
  return new Map(
    [...source.matchAll(/^\s+'?([\w.]+)'?(?:: (\w+))?,$/gm)].map(([, action, fn]) => [action!, moduleOf.get(fn ?? action!)!]),
  );
}

const declared = (uses: readonly string[]) => [...new Set(uses)].sort();

describe('ROUTE_ACCESS', () => {
  const modules = actionModules();

  it('reads the port methods from ports.ts', () => {
    expect(PORT_METHOD_NAMES).toContain('buffer.newest');
    expect(PORT_METHOD_NAMES).toContain('connections.viewerIds');
    expect(PORT_METHOD_NAMES).not.toContain('agents.keys');
  });

  it('knows the domain function of every client action', () => {
    const actions = ROUTE_TABLE.map((route) => route.routeKey).filter((key) => !key.startsWith('$'));

    expect([...modules.keys()].sort()).toEqual([...actions].sort());
    for (const module of modules.values()) expect(domainFiles.has(module)).toBe(true);
  });

  it.each(ROUTE_TABLE.map((route) => route.routeKey).filter((key) => !key.startsWith('$')))(
    'grants %s exactly the port methods its domain function reaches',
    (action) => {
      expect(declared(ROUTE_ACCESS[action as keyof typeof ROUTE_ACCESS].uses)).toEqual(portMethodsReachedFrom(modules.get(action)!));
    },
  );

  it.each([
    ['$connect', 'connect'],
    ['$disconnect', 'disconnect'],
  ] as const)('grants %s exactly the port methods lambdas/domain/%s.ts reaches', (routeKey, module) => {
    expect(declared(ROUTE_ACCESS[routeKey].uses)).toEqual(portMethodsReachedFrom(module));
  });

  it('grants the authorizer exactly what lambdas/domain/authorize.ts reaches: one credential by id', () => {
    expect(declared(AUTHORIZER_ACCESS.uses)).toEqual(portMethodsReachedFrom('authorize'));
    expect(AUTHORIZER_ACCESS.uses).toEqual(['credentials.get']);
  });

  it('lets every message route post (each may answer `error`), and neither $connect nor the authorizer', () => {
    const posting = Object.entries(ROUTE_ACCESS).filter(([, access]) => access.postsToConnections).map(([key]) => key);

    expect(posting.sort()).toEqual(ROUTE_TABLE.map((route) => route.routeKey).filter((key) => key !== '$connect').sort());
    expect(AUTHORIZER_ACCESS.postsToConnections).toBe(false);
  });
});

/** Adapter class → the port it implements (lambdas/handlers/runtime.ts wires them). */
const ADAPTERS = {
  connections: 'dynamo-connections',
  subscriptions: 'dynamo-subscriptions',
  agents: 'dynamo-agents',
  hostContainers: 'dynamo-host-containers',
  credentials: 'dynamo-credentials',
  buffer: 'dynamo-log-buffer',
} as const;
const COMMANDS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  BatchWriteCommand: 'BatchWriteItem',
  ScanCommand: 'Scan',
};
const HELPERS: Record<string, string> = { batchWrite: 'BatchWriteItem', queryAll: 'Query', queryPages: 'Query' };
/** Key builders of lambdas/adapters/keys.ts → the partition pattern route-access.ts names. */
const KEY_BUILDERS: Record<string, string> = {
  connectionKey: 'CONN#*',
  connectionPk: 'CONN#*',
  connectionSubscriptionKey: 'CONN#*',
  viewerKey: 'VIEWERS#*',
  viewersPk: 'VIEWERS#*',
  subscriberKey: 'SUBS#*',
  subscribersPk: 'SUBS#*',
  agentKey: 'AGENTS',
  AGENTS_PK: 'AGENTS',
  hostContainerKey: 'HOST#*',
  hostContainersPk: 'HOST#*',
  credentialKey: 'CREDENTIALS',
  CREDENTIALS_PK: 'CREDENTIALS',
  credentialPk: 'CRED#*',
  credentialConnectionKey: 'CRED#*',
  logPk: 'LOG#*',
  batchKey: 'LOG#*',
  partsPk: 'PART#*',
  partKey: 'PART#*',
};

/** Each method of an adapter class: the DynamoDB actions it sends and the partitions it names, its private helpers included. */
function adapterMethods(file: string): Map<string, { actions: Set<string>; partitions: Set<string> }> {
  const source = withoutComments(readFileSync(join(LAMBDAS, 'adapters', `${file}.ts`), 'utf8'));
  // The adapter is the class implementing a port (a file may export an error class too).
  const classBody = (/export class \w+ implements [^{]*\{([\s\S]*?)\n\}/.exec(source) ?? /export class \w+[^{]*\{([\s\S]*?)\n\}/.exec(source))![1]!;
  const bodies = new Map<string, string>();
  const heads = [...classBody.matchAll(/^ {2}(?:private )?(?:async\s*\*?\s*)?(\w+)\(/gm)];
  heads.forEach((head, i) => bodies.set(head[1]!, classBody.slice(head.index, heads[i + 1]?.index ?? classBody.length)));
  const resolved = new Map<string, { actions: Set<string>; partitions: Set<string> }>();
  const resolve = (name: string, stack: string[] = []): { actions: Set<string>; partitions: Set<string> } => {
    const known = resolved.get(name);
    if (known) return known;
    const body = bodies.get(name) ?? '';
    const actions = new Set<string>();
    const partitions = new Set<string>();
    for (const [, command] of body.matchAll(/new (\w+Command)\(/g)) if (COMMANDS[command!]) actions.add(COMMANDS[command!]!);
    for (const [, helper] of body.matchAll(/\b(batchWrite|queryAll|queryPages)\(/g)) actions.add(HELPERS[helper!]!);
    for (const [, builder] of body.matchAll(/\b(\w+)\b/g)) if (KEY_BUILDERS[builder!]) partitions.add(KEY_BUILDERS[builder!]!);
    for (const [, callee] of body.matchAll(/this\.(\w+)\(/g)) {
      if (callee === name || stack.includes(callee!) || !bodies.has(callee!)) continue;
      const inner = resolve(callee!, [...stack, name]);
      for (const action of inner.actions) actions.add(action);
      for (const partition of inner.partitions) partitions.add(partition);
    }
    const result = { actions, partitions };
    resolved.set(name, result);
    return result;
  };
  return new Map([...bodies.keys()].map((name) => [name, resolve(name)]));
}

describe('PORT_METHODS', () => {
  const granted = Object.entries(PORT_METHODS) as [string, readonly { actions: readonly string[]; partitions: readonly string[] }[]][];

  it.each(granted.map(([method]) => [method]))('grants %s the actions its adapter method sends, on the partitions it names', (method) => {
    const [port, name] = method.split('.') as [keyof typeof ADAPTERS, string];
    const sent = adapterMethods(ADAPTERS[port]).get(name);
    const grants = PORT_METHODS[method as keyof typeof PORT_METHODS] as readonly { actions: readonly string[]; partitions: readonly string[] }[];

    expect(sent, `${ADAPTERS[port]}.ts has no method ${name}`).toBeDefined();
    expect([...sent!.actions].sort()).toEqual([...new Set(grants.flatMap((grant) => grant.actions))].sort());
    expect([...sent!.partitions].sort()).toEqual([...new Set(grants.flatMap((grant) => grant.partitions))].sort());
  });

  it('covers every port method a route uses, and no adapter sends a Scan', () => {
    const used = new Set([...Object.values(ROUTE_ACCESS), AUTHORIZER_ACCESS].flatMap((access) => access.uses));

    expect([...used].filter((method) => !(method in PORT_METHODS))).toEqual([]);
    for (const file of Object.values(ADAPTERS)) {
      for (const [, sent] of adapterMethods(file)) expect(sent.actions.has('Scan')).toBe(false);
    }
  });
});
