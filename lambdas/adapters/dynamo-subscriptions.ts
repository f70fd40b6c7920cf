/**
 * Subscriptions, stored twice: SUBS#<container>/CONN#<id> answers "who watches this container?"
 * and CONN#<id>/SUB#<container> answers "what does this connection watch?" at its clean-up.
 */
import type { ContainerRef } from '../../protocol';
import type { Subscriptions } from '../domain/ports';
import { batchWrite } from './batch-write';
import { CONNECTION_TTL_SECONDS, expiresAt, isExpired } from './expiry';
import {
  connectionIdOf,
  connectionPk,
  connectionSubscriptionKey,
  containerOfSubscription,
  SUBSCRIPTION_PREFIX,
  subscriberKey,
  subscribersPk,
} from './keys';
import { queryAll, queryPages } from './query-pages';
import type { Table } from './table';

export class DynamoSubscriptions implements Subscriptions {
  constructor(private readonly table: Table) {}

  async add(connectionId: string, container: ContainerRef): Promise<void> {
    const expires = expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS);
    await batchWrite(this.table.client, this.table.tableName, [
      { PutRequest: { Item: { ...subscriberKey(container, connectionId), expiresAt: expires } } },
      { PutRequest: { Item: { ...connectionSubscriptionKey(connectionId, container), expiresAt: expires } } },
    ]);
  }

  async remove(connectionId: string, container: ContainerRef): Promise<void> {
    await batchWrite(this.table.client, this.table.tableName, [
      { DeleteRequest: { Key: subscriberKey(container, connectionId) } },
      { DeleteRequest: { Key: connectionSubscriptionKey(connectionId, container) } },
    ]);
  }

  async subscriberIds(container: ContainerRef): Promise<string[]> {
    const now = this.table.clock.now();
    const items = await queryAll(this.table.client, this.subscribersQuery(container));
    return items.filter((item) => !isExpired(item, now)).map((item) => connectionIdOf(item.sk as string));
  }

  async hasSubscribers(container: ContainerRef): Promise<boolean> {
    const now = this.table.clock.now();
    // Expired items are filtered after Limit applies, so keep paging until a live one shows up.
    for await (const page of queryPages(this.table.client, this.subscribersQuery(container), [1, 25])) {
      if (page.some((item) => !isExpired(item, now))) return true;
    }
    return false;
  }

  /** Expired ones included: this is for clean-up, which should delete them too. */
  async ofConnection(connectionId: string): Promise<ContainerRef[]> {
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': connectionPk(connectionId), ':prefix': SUBSCRIPTION_PREFIX },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => containerOfSubscription(item.sk as string));
  }

  private subscribersQuery(container: ContainerRef) {
    return {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': subscribersPk(container) },
      ProjectionExpression: 'sk, expiresAt',
      // A subscription written a moment ago must get the next batch: that is what makes
      // "subscription first, then history" gap-free.
      ConsistentRead: true,
    };
  }
}
