/**
 * Subscriptions, stored twice: SUBS#<container>/CONN#<id> answers "who watches this container?"
 * and CONN#<id>/SUB#<container> answers "what does this connection watch?" at its clean-up.
 *
 * Both items carry `subscribedAt`, the subscribe's request time. A viewer's messages are handled
 * concurrently, so writes and unsubscribe deletes are conditional on it: the newest request wins,
 * whatever order they are handled in. (DynamoDB transactions would make the pair atomic, but
 * dynalite has none; each item converges on its own, reverse item first so a forward item always
 * has one for clean-up.)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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

  async add(connectionId: string, container: ContainerRef, subscribedAt: number): Promise<void> {
    const expires = expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS);
    for (const key of [connectionSubscriptionKey(connectionId, container), subscriberKey(container, connectionId)]) {
      // An item stamped later belongs to a newer subscribe of the same viewer: leave it.
      await this.conditionally(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...key, subscribedAt, expiresAt: expires },
          ConditionExpression: 'attribute_not_exists(subscribedAt) OR subscribedAt <= :subscribedAt',
          ExpressionAttributeValues: { ':subscribedAt': subscribedAt },
        }),
      );
    }
  }

  async removeUnlessResubscribed(connectionId: string, container: ContainerRef, unsubscribeTime: number): Promise<boolean> {
    const remove = (key: Record<string, unknown>) =>
      this.conditionally(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: key,
          // A missing item counts as removed: unsubscribing twice is harmless.
          ConditionExpression: 'attribute_not_exists(pk) OR subscribedAt <= :unsubscribeTime',
          ExpressionAttributeValues: { ':unsubscribeTime': unsubscribeTime },
        }),
      );
    // The forward item decides: if a newer subscribe owns it, the reverse item is its too.
    if (!(await remove(subscriberKey(container, connectionId)))) return false;
    await remove(connectionSubscriptionKey(connectionId, container));
    return true;
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

  /** True if the write happened, false if its condition did not hold. */
  private async conditionally(command: PutCommand | DeleteCommand): Promise<boolean> {
    try {
      await (command instanceof PutCommand ? this.table.client.send(command) : this.table.client.send(command));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
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
