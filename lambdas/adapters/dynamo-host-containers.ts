/**
 * A host's containers in the table: HOST#<agentId> / C#<containerId>, one item per container, so
 * a change costs the write of that container alone (about 1 WRU), never the whole list.
 *
 * Each item holds the agent's `observedAt`; every write is a PutItem conditional on the stored one
 * being no newer, so API Gateway's concurrent invocations may handle a host's reports in any order
 * and each item still ends as the newest observation decided. A removal is such a write too: a
 * tombstone without `info` that expires after CONNECTION_TTL_SECONDS — longer than any message of
 * a connection can be delayed — so an upsert observed before it and handled after it cannot bring
 * the container back.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ContainerInfo } from '../../protocol';
import { forEachBounded } from '../domain/for-each-bounded';
import type { ContainerChanges, ContainerEntry, HostContainers } from '../domain/ports';
import { CONNECTION_TTL_SECONDS, expiresAt, isExpired } from './expiry';
import { CONTAINER_PREFIX, hostContainerKey, hostContainersPk } from './keys';
import { queryAll } from './query-pages';
import type { Table } from './table';
import { isConditionFailure } from './condition-failure';

/** Conditional puts in flight for one report (a register of a new host writes every container). */
const WRITE_CONCURRENCY = 16;

export class DynamoHostContainers implements HostContainers {
  constructor(private readonly table: Table) {}

  async entries(agentId: string, options: { readonly consistent?: boolean } = {}): Promise<ContainerEntry[]> {
    const now = this.table.clock.now();
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': hostContainersPk(agentId) },
      // Registrations diff against this. Half the read units without it, for inventory answers.
      ConsistentRead: options.consistent ?? true,
    });
    return items.filter((item) => !isExpired(item, now)).map(toEntry);
  }

  async get(agentId: string, containerId: string): Promise<ContainerInfo | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: hostContainerKey(agentId, containerId), ConsistentRead: true }),
    );
    if (!Item || isExpired(Item, this.table.clock.now())) return undefined;
    return toEntry(Item).info;
  }

  async apply(agentId: string, changes: ContainerChanges): Promise<ContainerChanges> {
    const upsert: ContainerInfo[] = [];
    const remove: string[] = [];
    const tombstoneExpiry = expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS);
    await forEachBounded(changes.upsert, WRITE_CONCURRENCY, async (info) => {
      if (await this.putIfNotOlder(agentId, info.id, changes.observedAt, { info: { ...info } })) upsert.push(info);
    });
    await forEachBounded(changes.remove, WRITE_CONCURRENCY, async (containerId) => {
      if (await this.putIfNotOlder(agentId, containerId, changes.observedAt, { expiresAt: tombstoneExpiry })) remove.push(containerId);
    });
    // Keep the report's order, whatever order the writes finished in.
    const written = new Set([...upsert.map((c) => c.id), ...remove]);
    return {
      observedAt: changes.observedAt,
      upsert: changes.upsert.filter((c) => written.has(c.id)),
      remove: changes.remove.filter((id) => written.has(id)),
    };
  }

  /** True if written; false if the stored item was observed later. */
  private async putIfNotOlder(agentId: string, containerId: string, observedAt: number, body: Record<string, unknown>): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...hostContainerKey(agentId, containerId), observedAt, ...body },
          // At or after, not strictly after: the same report handled twice (a retry) writes and
          // relays again, so a first attempt that died before its broadcast still reaches viewers.
          ConditionExpression: 'attribute_not_exists(observedAt) OR observedAt <= :observedAt',
          ExpressionAttributeValues: { ':observedAt': observedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function toEntry(item: Record<string, unknown>): ContainerEntry {
  const containerId = (item.sk as string).slice(CONTAINER_PREFIX.length);
  const observedAt = item.observedAt as number;
  const info = item.info as Record<string, unknown> | undefined;
  if (!info) return { containerId, observedAt };
  return {
    containerId,
    observedAt,
    // Field by field, in the protocol's order: the domain compares infos by their JSON.
    info: {
      id: info.id as string,
      name: info.name as string,
      image: info.image as string,
      state: info.state as string,
      status: info.status as string,
      createdAt: info.createdAt as number,
      tty: info.tty as boolean,
    },
  };
}
