/** Credentials on dynalite: only a hash is stored, revoking sticks, and a credential knows its connections. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedCredentials } from '../../../lambdas/adapters/cached-credentials';
import { DynamoCredentials } from '../../../lambdas/adapters/dynamo-credentials';
import { CREDENTIALS_PK, credentialPk } from '../../../lambdas/adapters/keys';
import { parseToken } from '../../../lambdas/domain/credential-token';
import { mintCredential } from '../../../lambdas/domain/mint-credential';
import { openLocalTable, T0, type LocalTable } from './local-table';

const HOUR = 3_600_000;

describe('credentials on dynalite', () => {
  let table: LocalTable;
  let credentials: DynamoCredentials;
  beforeAll(async () => {
    table = await openLocalTable();
    credentials = new DynamoCredentials(table);
  });
  afterAll(() => table.close());

  it('stores a minted credential under CREDENTIALS with the hash of its secret, never the secret', async () => {
    const { token, credential } = await mintCredential({ credentials, clock: table.clock }, { role: 'agent', agentId: 'build-box-1' });

    const items = await table.partition(CREDENTIALS_PK);

    expect(JSON.stringify(items)).not.toContain(parseToken(token)!.secret);
    expect(await credentials.get(credential.credentialId)).toEqual(credential);
    expect((await credentials.list()).map((c) => c.credentialId)).toContain(credential.credentialId);
    expect(table.commands).not.toContain('ScanCommand');
  });

  it('refuses a second credential under a taken id', async () => {
    const given = `fixed-id.${'s'.repeat(40)}`;
    await mintCredential({ credentials, clock: table.clock }, { role: 'viewer', token: given });

    await expect(mintCredential({ credentials, clock: table.clock }, { role: 'viewer', token: given })).rejects.toThrow();
  });

  it('revokes once (a second revoke keeps the first time) and never invents a credential', async () => {
    const { credential } = await mintCredential({ credentials, clock: table.clock }, { role: 'viewer' });

    expect(await credentials.revoke(credential.credentialId, '2026-11-25T13:00:00.000Z')).toBe(true);
    expect(await credentials.revoke(credential.credentialId, '2026-11-25T14:00:00.000Z')).toBe(true);
    expect(await credentials.revoke('0000000000000000', '2026-11-25T13:00:00.000Z')).toBe(false);

    expect((await credentials.get(credential.credentialId))?.revokedAt).toBe('2026-11-25T13:00:00.000Z');
    expect(await credentials.get('0000000000000000')).toBeUndefined();
  });

  it('lists the connections opened with a credential until they expire', async () => {
    const { credential } = await mintCredential({ credentials, clock: table.clock }, { role: 'viewer' });
    await credentials.addConnection(credential.credentialId, 'conn-1');
    await credentials.addConnection(credential.credentialId, 'conn-2');

    expect((await credentials.connectionIds(credential.credentialId)).sort()).toEqual(['conn-1', 'conn-2']);
    expect(await table.partition(credentialPk(credential.credentialId))).toEqual([
      expect.objectContaining({ expiresAt: expect.any(Number) }),
      expect.objectContaining({ expiresAt: expect.any(Number) }),
    ]);
    table.setNow(T0 + 4 * HOUR);
    expect(await credentials.connectionIds(credential.credentialId)).toEqual([]);
    table.setNow(T0);
  });

  it('answers the authorizer from its cache within the window, and reads again after it', async () => {
    const { credential } = await mintCredential({ credentials, clock: table.clock }, { role: 'viewer' });
    const cached = new CachedCredentials(credentials, table.clock, 30_000);
    await cached.get(credential.credentialId);
    await credentials.revoke(credential.credentialId, new Date(T0).toISOString());

    expect((await cached.get(credential.credentialId))?.revokedAt).toBeUndefined();
    table.setNow(T0 + 30_001);
    expect((await cached.get(credential.credentialId))?.revokedAt).toBe(new Date(T0).toISOString());
    table.setNow(T0);
  });

  it('remembers an unknown credential only briefly, so one minted right after a refusal works within a second', async () => {
    const cached = new CachedCredentials(credentials, table.clock, 30_000);
    const token = '00000000000000aa.' + 'x'.repeat(43);
    expect(await cached.get('00000000000000aa')).toBeUndefined();
    await mintCredential({ credentials, clock: table.clock }, { role: 'viewer', token });

    table.setNow(T0 + 1_001);
    expect((await cached.get('00000000000000aa'))?.role).toBe('viewer');
    table.setNow(T0);
  });
});
