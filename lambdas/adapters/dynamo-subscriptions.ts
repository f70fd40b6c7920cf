/**
 * Subscriptions, stored twice: CONN#<id>/SUB#<container> (the reverse item) says what a connection
 * watches — or has stopped watching — and SUBS#<container>/CONN#<id> (the subscriber item) answers
 * "who watches this container?".
 *
 * A viewer's messages are handled concurrently, so both items carry the order (`at`, `op`) of the
 * request that wrote them and every write is conditional on it: each item holds what the latest
 * request decided, whatever order they were handled in. The reverse item decides: an unsubscribe
 * turns it into a marker (`state` = unsubscribed) instead of deleting it, so an older subscribe
 * handled late finds it and gives up. Subscribe writes the reverse item first, then the subscriber
 * item, then reads the reverse item again and takes its subscriber item back if the reverse item
 * is no longer its own. Why that converges without transactions: docs/data-model.md.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ContainerRef } from '../../protocol';
import type { RequestOrder, Subscriptions } from '../domain/ports';
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
  type Key,
} from './keys';
import { queryAll, queryPages } from './query-pages';
import type { Table } from './table';
import { isConditionFailure } from './condition-failure';

const SUBSCRIBED = 'subscribed';
const UNSUBSCRIBED = 'unsubscribed';

/** `at`, `op` and `state` are (or may become) DynamoDB reserved words. */
const NAMES = { '#at': 'at', '#op': 'op' } as const;
/** The stored order is older than the request's. An item without one (none, or of an older layout) counts as absent. */
const OLDER = 'attribute_not_exists(#at) OR #at < :at';
/** ... or older or equal. */
const OLDER_OR_TIED = `${OLDER} OR (#at = :at AND #op <= :op)`;
/** Not expired (the same rule as isExpired, for filters): `:now` is epoch seconds. */
const LIVE = 'attribute_not_exists(expiresAt) OR expiresAt >= :now';

export class DynamoSubscriptions implements Subscriptions {
  constructor(private readonly table: Table) {}

  async add(connectionId: string, container: ContainerRef, order: RequestOrder): Promise<boolean> {
    const expires = expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS);
    const reverse = connectionSubscriptionKey(connectionId, container);
    const subscriber = subscriberKey(container, connectionId);
    const claimed = await this.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...reverse, at: order.at, op: order.op, state: SUBSCRIBED, expiresAt: expires },
        // A tie with a subscription is the same subscription; a tie with an unsubscribe is lost.
        ConditionExpression: `${OLDER} OR (#at = :at AND (#op < :op OR (#op = :op AND #state = :subscribed)))`,
        ExpressionAttributeNames: { ...NAMES, '#state': 'state' },
        ExpressionAttributeValues: { ':at': order.at, ':op': order.op, ':subscribed': SUBSCRIBED },
      }),
    );
    if (!claimed) return false;

    // Fails only under a newer subscribe's item, which the check below then finds.
    await this.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...subscriber, at: order.at, op: order.op, expiresAt: expires },
        ConditionExpression: OLDER_OR_TIED,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':at': order.at, ':op': order.op },
      }),
    );
    // An unsubscribe or clean-up handled between our writes may have deleted the subscriber item
    // before we wrote it; the reverse item, read again, says whether ours still stands.
    if (await this.holds(reverse, order)) return true;
    await this.conditionally(
      new DeleteCommand({
        TableName: this.table.tableName,
        Key: subscriber,
        ConditionExpression: '#at = :at AND #op = :op',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':at': order.at, ':op': order.op },
      }),
    );
    return false;
  }

  async removeUnlessResubscribed(connectionId: string, container: ContainerRef, order: RequestOrder): Promise<boolean> {
    const marked = await this.conditionally(
      new PutCommand({
        TableName: this.table.tableName,
        // The marker: kept (until the connection's items expire) so that a late subscribe finds it.
        Item: {
          ...connectionSubscriptionKey(connectionId, container),
          at: order.at,
          op: order.op,
          state: UNSUBSCRIBED,
          expiresAt: expiresAt(this.table.clock.now(), CONNECTION_TTL_SECONDS),
        },
        ConditionExpression: OLDER_OR_TIED,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':at': order.at, ':op': order.op },
      }),
    );
    if (!marked) return false;
    await this.conditionally(
      new DeleteCommand({
        TableName: this.table.tableName,
        Key: subscriberKey(container, connectionId),
        ConditionExpression: OLDER_OR_TIED,
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':at': order.at, ':op': order.op },
      }),
    );
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

  /** Markers and expired ones included: this is for clean-up, which should delete them too. */
  async ofConnection(connectionId: string): Promise<ContainerRef[]> {
    const items = await queryAll(this.table.client, {
      TableName: this.table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': connectionPk(connectionId), ':prefix': SUBSCRIPTION_PREFIX },
      ProjectionExpression: 'sk',
      // Must see a reverse item written just before the connection record was removed (see
      // forget-connections: that is what finds a subscribe racing the clean-up).
      ConsistentRead: true,
    });
    return items.map((item) => containerOfSubscription(item.sk as string));
  }

  /**
   * A counting Query (Select COUNT): the connection's partition holds its few subscriptions and
   * markers; nothing to keep in step, as a counter would need on every clean-up and expiry. A
   * filter cannot name the sort key, so `except` is read on its own and taken off.
   */
  async subscriptionCount(connectionId: string, except: ContainerRef): Promise<number> {
    const nowSeconds = Math.floor(this.table.clock.now() / 1000);
    const [total, pair] = await Promise.all([
      this.count({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: `#state = :subscribed AND (${LIVE})`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pk': connectionPk(connectionId), ':prefix': SUBSCRIPTION_PREFIX, ':subscribed': SUBSCRIBED, ':now': nowSeconds },
      }),
      this.live(connectionSubscriptionKey(connectionId, except)),
    ]);
    return total - (pair?.state === SUBSCRIBED ? 1 : 0);
  }

  /** A counting Query of the container's subscriber partition: at most the cap's items, a few KB. */
  async subscriberCount(container: ContainerRef, exceptConnectionId: string): Promise<number> {
    const [total, pair] = await Promise.all([
      this.count({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: LIVE,
        ExpressionAttributeValues: { ':pk': subscribersPk(container), ':now': Math.floor(this.table.clock.now() / 1000) },
      }),
      this.live(subscriberKey(container, exceptConnectionId)),
    ]);
    return total - (pair ? 1 : 0);
  }

  /** The item, if it exists and has not expired (a consistent read). */
  private async live(key: Key): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key, ConsistentRead: true }));
    return Item && !isExpired(Item, this.table.clock.now()) ? Item : undefined;
  }

  private async count(input: Omit<QueryCommandInput, 'Select' | 'ExclusiveStartKey'>): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.table.client.send(new QueryCommand({ ...input, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: startKey }));
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  async isSubscribed(connectionId: string, container: ContainerRef): Promise<boolean> {
    return (await this.live(connectionSubscriptionKey(connectionId, container)))?.state === SUBSCRIBED;
  }

  /** Whether the reverse item still is the subscription `order` wrote (a consistent read). */
  private async holds(reverse: Key, order: RequestOrder): Promise<boolean> {
    const item = await this.live(reverse);
    return item?.state === SUBSCRIBED && item.at === order.at && item.op === order.op;
  }

  /** True if the write happened, false if its condition did not hold. */
  private async conditionally(command: PutCommand | DeleteCommand): Promise<boolean> {
    try {
      await (command instanceof PutCommand ? this.table.client.send(command) : this.table.client.send(command));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
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
