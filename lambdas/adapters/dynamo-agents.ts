/** Hosts in the table: AGENTS/AGENT#<agentId>; their containers are DynamoHostContainers' (HOST#<agentId>). */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ReportedStatus } from '../../protocol';
import type { AgentRecord, Agents } from '../domain/ports';
import { AGENT_PREFIX, agentKey, AGENTS_PK } from './keys';
import { queryAll } from './query-pages';
import type { Table } from './table';
import { isConditionFailure } from './condition-failure';

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

  async put(agent: AgentRecord): Promise<boolean> {
    const connectedAt = agent.connectedAt ?? 0;
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: agentKey(agent.agentId),
        // An update, not a put: the agent's status report (agent.status) stays until its next one.
        // `containers` is the earlier layout's list (containers are items of their own now).
        UpdateExpression:
          'SET #hostName = :hostName, #agentVersion = :agentVersion, #connectionId = :connectionId, ' +
          '#connectedAt = :connectedAt, #online = :online, #updatedAt = :updatedAt REMOVE #containers',
        // Only a connection at least as new as the recorded one wins; on equal times the greater
        // connection id, so two racing registrations end the same whichever is handled first.
        ConditionExpression:
          'attribute_not_exists(#connectedAt) OR #connectedAt < :connectedAt OR ' +
          '(#connectedAt = :connectedAt AND #connectionId <= :connectionId)',
        ExpressionAttributeNames: {
          '#hostName': 'hostName',
          '#agentVersion': 'agentVersion',
          '#connectionId': 'connectionId',
          '#connectedAt': 'connectedAt',
          '#online': 'online',
          '#updatedAt': 'updatedAt',
          '#containers': 'containers',
        },
        ExpressionAttributeValues: {
          ':hostName': agent.hostName,
          ':agentVersion': agent.agentVersion,
          ':connectionId': agent.connectionId,
          ':connectedAt': connectedAt,
          ':online': agent.online,
          ':updatedAt': agent.updatedAt,
        },
      }),
    );
  }

  async putStatus(agentId: string, connectionId: string, status: ReportedStatus): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: agentKey(agentId),
        UpdateExpression: 'SET #status = :status',
        // A connection's reports are handled concurrently, so an older one can come last: it loses.
        ConditionExpression:
          '#connectionId = :connectionId AND (attribute_not_exists(#status) OR #status.#since <> :since OR #status.#observedAt < :observedAt)',
        ExpressionAttributeNames: { '#status': 'status', '#connectionId': 'connectionId', '#since': 'since', '#observedAt': 'observedAt' },
        ExpressionAttributeValues: { ':status': status, ':connectionId': connectionId, ':since': status.since, ':observedAt': status.observedAt },
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
      if (isConditionFailure(error)) return false;
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
    ...(typeof item.connectedAt === 'number' ? { connectedAt: item.connectedAt } : {}),
    online: item.online === true,
    updatedAt: item.updatedAt as string,
    ...statusOf(item.status),
  };
}

/** A stored status report, if there is a valid one (a malformed one is not passed on to viewers). */
function statusOf(value: unknown): { status?: ReportedStatus } {
  const parsed = ReportedStatus.safeParse(value);
  return parsed.success ? { status: parsed.data } : {};
}
