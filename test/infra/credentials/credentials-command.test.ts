import { describe, expect, it } from 'vitest';
import { CredentialsUsageError, parseCredentialsArgs, runCredentialsCommand } from '../../../infra/credentials/credentials-command';
import { parseToken } from '../../../lambdas/domain/credential-token';
import { createWorld, NOW } from '../../lambdas/domain/in-memory-deps';

const ENV = { SIDETAIL_TABLE: 'Sidetail-LogTable', AWS_REGION: 'eu-west-1', SIDETAIL_CONNECTIONS_ENDPOINT: 'https://abc.execute-api.eu-west-1.amazonaws.com/live' };

describe('npm run credentials: arguments', () => {
  it.each<[string[], unknown]>([
    [['mint', '--agent', 'build-box-1'], { name: 'mint', request: { role: 'agent', agentId: 'build-box-1' } }],
    [['mint', '--viewer'], { name: 'mint', request: { role: 'viewer' } }],
    [['list'], { name: 'list' }],
    [['revoke', '9a41c2d03e5f6b07'], { name: 'revoke', credentialId: '9a41c2d03e5f6b07' }],
  ])('reads %j', (argv, command) => {
    expect(parseCredentialsArgs(argv, ENV)).toEqual({
      command,
      settings: { tableName: 'Sidetail-LogTable', region: 'eu-west-1', connectionsEndpoint: ENV.SIDETAIL_CONNECTIONS_ENDPOINT },
    });
  });

  it('lets flags win over the environment, and reaches a local store', () => {
    const parsed = parseCredentialsArgs(['--table=t', '--dynamodb-endpoint', 'http://127.0.0.1:4000', 'list'], ENV);

    expect(parsed).toMatchObject({ settings: { tableName: 't', dynamodbEndpoint: 'http://127.0.0.1:4000' } });
  });

  it.each<[string[], Record<string, string>, RegExp]>([
    [['list'], {}, /the table is required: --table or SIDETAIL_TABLE/],
    [[], ENV, /a command is required/],
    [['mint'], ENV, /mint needs --agent <agentId> or --viewer/],
    [['mint', '--agent'], ENV, /mint needs --agent <agentId> or --viewer/],
    [['revoke'], ENV, /revoke needs the credential id/],
    [['revoke', 'abc'], { SIDETAIL_TABLE: 't' }, /revoke closes the credential's live connections: give --connections-endpoint/],
    [['list', 'extra'], ENV, /unexpected "extra"/],
    [['rotate'], ENV, /unknown command "rotate"/],
    [['--dynamodb-endpoint', 'not a url', 'list'], ENV, /the DynamoDB endpoint must be a URL/],
  ])('refuses %j with a clear usage error', (argv, env, message) => {
    expect(() => parseCredentialsArgs(argv, env)).toThrow(CredentialsUsageError);
    expect(() => parseCredentialsArgs(argv, env)).toThrow(message);
  });
});

describe('npm run credentials: commands', () => {
  it('mints, prints the token once, and lists the credential without its secret', async () => {
    const world = createWorld();
    const out: string[] = [];
    const deps = { credentials: world.credentials, clock: world.clock, out: (line: string) => out.push(line) };

    expect(await runCredentialsCommand({ name: 'mint', request: { role: 'agent', agentId: 'build-box-1' } }, deps)).toBe(0);
    const { credentialId, secret } = parseToken(out[1]!)!;
    expect(out[0]).toBe(`Minted agent credential ${credentialId} for agent build-box-1. Its token, shown this once:`);

    out.length = 0;
    expect(await runCredentialsCommand({ name: 'list' }, deps)).toBe(0);
    expect(out).toEqual(['credential\trole\tagent\tcreated\trevoked', `${credentialId}\tagent\tbuild-box-1\t${new Date(NOW).toISOString()}\t-`]);
    expect(out.join('\n')).not.toContain(secret);
  });

  it('exits 1 when revoking a credential that does not exist', async () => {
    const world = createWorld();
    const out: string[] = [];
    const closer = { close: async () => 'closed' as const };

    expect(await runCredentialsCommand({ name: 'revoke', credentialId: 'nope0000' }, { ...world, closer, out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual(['No credential nope0000; nothing changed.']);
  });
});
