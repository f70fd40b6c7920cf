/** Connections in the table: CONN#<id>/META, plus VIEWERS/CONN#<id> for viewers. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../protocol';
import type { ConnectionRecord, Connections } from '../domain/ports';
import { batchWrite } from './batch-write';
import { CONNECTION_TTL_SECONDS, expiresAt, isExpired } from './expiry';
import { connectionIdOf, connectionKey, VIEWERS_PK, viewerKey } from './keys';
import { queryAll } from './query-pages';
import type { Table } from './table';

export class DynamoConnections implements Connections {
  constructor(private readonly table: Table) {}

  async add(connection: ConnectionRecord): Promise<void> {
    const expires = expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS);
    const meta = {
      ...connectionKey(connection.connectionId),
      role: connection.role,
      connectedAt: connection.connectedAt,
      agentId: connection.agentId,
      credentialId: connection.credentialId,
      expiresAt: expires,
    };
    const items: Record<string, unknown>[] = [meta];
    if (connection.role === 'viewer') items.push({ ...viewerKey(connection.connectionId), expiresAt: expires });
    await batchWrite(this.table.client, this.table.tableName, items.map((Item) => ({ PutRequest: { Item } })));
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
    );
    if (!Item || isExpired(Item, this.table.clock.now())) return undefined;
    return {
      connectionId,
      role: Item.role as Role,
      connectedAt: Item.connectedAt as string,
      ...(typeof Item.agentId === 'string' ? { agentId: Item.agentId } : {}),
      ...(typeof Item.credentialId === 'string' ? { credentialId: Item.credentialId } : {}),
    };
  }

  async viewerIds(): Promise<string[]> {
    const now = this.table.clock.now();
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': VIEWERS_PK },
      ProjectionExpression: 'sk, expiresAt',
    });
    return items.filter((item) => !isExpired(item, now)).map((item) => connectionIdOf(item.sk as string));
  }

  async remove(connectionId: string): Promise<void> {
    await batchWrite(this.table.client, this.table.tableName, [
      { DeleteRequest: { Key: connectionKey(connectionId) } },
      { DeleteRequest: { Key: viewerKey(connectionId) } },
    ]);
  }
}
