/**
 * Credentials in the table: CREDENTIALS/CRED#<id> (the hash of the secret, never the secret), and
 * CRED#<id>/CONN#<connectionId> for each connection opened with it (expires like the connection).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../protocol';
import type { Credential, Credentials } from '../domain/ports';
import { CONNECTION_TTL_SECONDS, expiresAt, isExpired } from './expiry';
import { connectionIdOf, credentialConnectionKey, credentialKey, credentialPk, CREDENTIAL_PREFIX, CREDENTIALS_PK } from './keys';
import { queryAll } from './query-pages';
import type { Table } from './table';
import { isConditionFailure } from './condition-failure';

export class DynamoCredentials implements Credentials {
  constructor(private readonly table: Table) {}

  async get(credentialId: string): Promise<Credential | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: credentialKey(credentialId), ConsistentRead: true }),
    );
    return Item && toCredential(Item);
  }

  async list(): Promise<Credential[]> {
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CREDENTIALS_PK },
    });
    return items.map(toCredential);
  }

  async add(credential: Credential): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...credentialKey(credential.credentialId),
          role: credential.role,
          agentId: credential.agentId,
          secretHash: credential.secretHash,
          createdAt: credential.createdAt,
          revokedAt: credential.revokedAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async revoke(credentialId: string, revokedAt: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: credentialKey(credentialId),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :revokedAt)',
          // Never create a bare credential item by revoking an id that does not exist.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':revokedAt': revokedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async addConnection(credentialId: string, connectionId: string): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...credentialConnectionKey(credentialId, connectionId), expiresAt: expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS) },
      }),
    );
  }

  async connectionIds(credentialId: string): Promise<string[]> {
    const now = this.table.clock.now();
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': credentialPk(credentialId) },
      ConsistentRead: true,
    });
    return items.filter((item) => !isExpired(item, now)).map((item) => connectionIdOf(item.sk as string));
  }
}

function toCredential(item: Record<string, unknown>): Credential {
  return {
    credentialId: (item.sk as string).slice(CREDENTIAL_PREFIX.length),
    role: item.role as Role,
    ...(typeof item.agentId === 'string' ? { agentId: item.agentId } : {}),
    secretHash: item.secretHash as string,
    createdAt: item.createdAt as string,
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}
