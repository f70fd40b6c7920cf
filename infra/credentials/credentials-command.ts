/**
 * `npm run credentials -- …`: mint, list and revoke the credentials agents and viewers connect
 * with, against the deployed stack's table (or a local store). Parsing is pure and the commands
 * take their adapters, so both are specified without AWS; main.ts wires the real ones.
 */
import type { CredentialRequest } from '../../lambdas/domain/mint-credential';
import { mintCredential } from '../../lambdas/domain/mint-credential';
import type { Clock, Credentials } from '../../lambdas/domain/ports';
import { revokeCredential, type ConnectionCloser } from '../../lambdas/domain/revoke-credential';

export const USAGE = `Usage: npm run credentials -- [options] <command>

Commands:
  mint --agent <agentId>   a credential for one agent host (its id in the dashboard)
  mint --viewer            a credential for dashboards
  list                     every credential, without secrets
  revoke <credentialId>    refuse it from now on and close the connections it opened

Options (flags win over the environment):
  --table NAME                 SIDETAIL_TABLE                 the stack's TableName output
  --region REGION              AWS_REGION                     the stack's region
  --dynamodb-endpoint URL      SIDETAIL_DYNAMODB_ENDPOINT     a local store instead of DynamoDB
  --connections-endpoint URL   SIDETAIL_CONNECTIONS_ENDPOINT  the stack's ConnectionsEndpoint output (revoke)

A token is printed once, when minted: only a hash of its secret is stored.`;

export class CredentialsUsageError extends Error {
  override readonly name = 'CredentialsUsageError';
}

export type CredentialsCommand =
  | { readonly name: 'mint'; readonly request: CredentialRequest }
  | { readonly name: 'list' }
  | { readonly name: 'revoke'; readonly credentialId: string };

export interface CredentialsSettings {
  readonly tableName: string;
  readonly region?: string;
  readonly dynamodbEndpoint?: string;
  readonly connectionsEndpoint?: string;
}

export interface ParsedInvocation {
  readonly command: CredentialsCommand;
  readonly settings: CredentialsSettings;
}

type Env = Readonly<Record<string, string | undefined>>;

const OPTIONS = {
  '--table': 'tableName',
  '--region': 'region',
  '--dynamodb-endpoint': 'dynamodbEndpoint',
  '--connections-endpoint': 'connectionsEndpoint',
} as const;

/** 'help' for --help; throws CredentialsUsageError on anything it cannot use. */
export function parseCredentialsArgs(argv: readonly string[], env: Env): ParsedInvocation | 'help' {
  const flags: Partial<Record<(typeof OPTIONS)[keyof typeof OPTIONS], string>> = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = OPTIONS[name as keyof typeof OPTIONS];
    if (!key) {
      words.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (!value) throw new CredentialsUsageError(`${name} needs a value`);
    flags[key] = value;
  }

  const pick = (key: keyof typeof flags, variable: string) => flags[key] ?? (env[variable]?.trim() || undefined);
  const tableName = pick('tableName', 'SIDETAIL_TABLE');
  if (!tableName) throw new CredentialsUsageError('the table is required: --table or SIDETAIL_TABLE (the stack\'s TableName output)');
  const settings: CredentialsSettings = {
    tableName,
    ...defined('region', pick('region', 'AWS_REGION')),
    ...defined('dynamodbEndpoint', url(pick('dynamodbEndpoint', 'SIDETAIL_DYNAMODB_ENDPOINT'), 'the DynamoDB endpoint')),
    ...defined('connectionsEndpoint', url(pick('connectionsEndpoint', 'SIDETAIL_CONNECTIONS_ENDPOINT'), 'the connections endpoint')),
  };
  const command = parseCommand(words);
  if (command.name === 'revoke' && !settings.connectionsEndpoint) {
    throw new CredentialsUsageError(
      'revoke closes the credential\'s live connections: give --connections-endpoint or SIDETAIL_CONNECTIONS_ENDPOINT (the stack\'s ConnectionsEndpoint output)',
    );
  }
  return { command, settings };
}

function parseCommand(words: readonly string[]): CredentialsCommand {
  const [name, ...rest] = words;
  const command = commandOf(name, rest);
  const used = command.name === 'mint' ? (command.request.role === 'agent' ? 2 : 1) : command.name === 'revoke' ? 1 : 0;
  if (rest.length > used) throw new CredentialsUsageError(`unexpected ${JSON.stringify(rest.slice(used).join(' '))}`);
  return command;
}

function commandOf(name: string | undefined, rest: readonly string[]): CredentialsCommand {
  switch (name) {
    case 'mint':
      if (rest[0] === '--viewer') return { name, request: { role: 'viewer' } };
      if (rest[0] === '--agent' && rest[1] && !rest[1].startsWith('--')) return { name, request: { role: 'agent', agentId: rest[1] } };
      throw new CredentialsUsageError('mint needs --agent <agentId> or --viewer');
    case 'list':
      return { name };
    case 'revoke':
      if (!rest[0]) throw new CredentialsUsageError('revoke needs the credential id (see list)');
      return { name, credentialId: rest[0] };
    case undefined:
      throw new CredentialsUsageError('a command is required: mint, list or revoke');
    default:
      throw new CredentialsUsageError(`unknown command ${JSON.stringify(name)}`);
  }
}

export interface CredentialsDeps {
  readonly credentials: Credentials;
  /** Required by revoke (the parser makes sure an endpoint was given). */
  readonly closer?: ConnectionCloser;
  readonly clock: Clock;
  readonly out: (line: string) => void;
}

/** Runs one command; the process exit code. */
export async function runCredentialsCommand(command: CredentialsCommand, deps: CredentialsDeps): Promise<number> {
  switch (command.name) {
    case 'mint': {
      const { credential, token } = await mintCredential(deps, command.request);
      const whom = credential.role === 'agent' ? `agent credential ${credential.credentialId} for agent ${credential.agentId}` : `viewer credential ${credential.credentialId}`;
      deps.out(`Minted ${whom}. Its token, shown this once:`);
      deps.out(token);
      return 0;
    }
    case 'list': {
      const all = (await deps.credentials.list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      deps.out(['credential', 'role', 'agent', 'created', 'revoked'].join('\t'));
      for (const c of all) deps.out([c.credentialId, c.role, c.agentId ?? '-', c.createdAt, c.revokedAt ?? '-'].join('\t'));
      return 0;
    }
    case 'revoke': {
      if (!deps.closer) throw new CredentialsUsageError('revoke needs the connections endpoint');
      const result = await revokeCredential({ credentials: deps.credentials, closer: deps.closer, clock: deps.clock }, command.credentialId);
      if (!result.found) {
        deps.out(`No credential ${command.credentialId}; nothing changed.`);
        return 1;
      }
      deps.out(`Revoked ${command.credentialId}; closed ${result.closed.length} live connection${result.closed.length === 1 ? '' : 's'}.`);
      return 0;
    }
  }
}

function defined<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function url(value: string | undefined, what: string): string | undefined {
  if (value !== undefined && !URL.canParse(value)) throw new CredentialsUsageError(`${what} must be a URL, got ${JSON.stringify(value)}`);
  return value;
}
