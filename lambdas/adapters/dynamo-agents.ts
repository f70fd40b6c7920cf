/** Hosts in the table: AGENTS/AGENT#<agentId>; their containers are DynamoHostContainers' (HOST#<agentId>). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AgentRecord, Agents } from '../domain/ports';
import { AGENT_PREFIX, agentKey, AGENTS_PK } from './keys';
import { queryAll } from './query-pages';
import type { Table } from './table';

export class DynamoAgents implements Agents {
  constructor(private readonly table: Table) {}

  async get(agentId: string): Promise<AgentRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: agentKey(agentId), ConsistentRead: true }),
    );
    return Item && toRecord(Item);
  }

  async list(): Promise<AgentRecord[]> {
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': AGENTS_PK },
    });
    return items.map(toRecord);
  }

  async put(agent: AgentRecord): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...agentKey(agent.agentId),
          hostName: agent.hostName,
          agentVersion: agent.agentVersion,
          connectionId: agent.connectionId,
          online: agent.online,
          updatedAt: agent.updatedAt,
        },
      }),
    );
  }

  async markOffline(agentId: string, connectionId: string, updatedAt: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: agentKey(agentId),
        UpdateExpression: 'SET #online = :false, #updatedAt = :updatedAt',
        ConditionExpression: '#connectionId = :connectionId AND #online = :true',
        ExpressionAttributeNames: { '#online': 'online', '#updatedAt': 'updatedAt', '#connectionId': 'connectionId' },
        ExpressionAttributeValues: { ':false': false, ':true': true, ':updatedAt': updatedAt, ':connectionId': connectionId },
      }),
    );
  }

  /** True if the update happened, false if its condition did not hold. */
  private async conditionally(command: UpdateCommand): Promise<boolean> {
    try {
      await this.table.client.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function toRecord(item: Record<string, unknown>): AgentRecord {
  return {
    agentId: (item.sk as string).slice(AGENT_PREFIX.length),
    hostName: item.hostName as string,
    agentVersion: (item.agentVersion as string | undefined) ?? '',
    connectionId: item.connectionId as string,
    online: item.online === true,
    updatedAt: item.updatedAt as string,
  };
}
