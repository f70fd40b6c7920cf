import { describe, expect, it } from 'vitest';
import { PendingQueue } from '../../../agent/transport/pending-queue';

describe('PendingQueue', () => {
  it('gives back messages oldest first', () => {
    const queue = new PendingQueue(100);
    queue.push(Buffer.from('a'));
    queue.push(Buffer.from('b'));

    expect([queue.shift()?.toString(), queue.shift()?.toString(), queue.shift()]).toEqual(['a', 'b', undefined]);
    expect(queue.bytes).toBe(0);
  });

  it('drops the oldest messages beyond its byte limit, and counts them', () => {
    const queue = new PendingQueue(10);

    for (const item of ['1234', '5678', 'abcd', 'efgh']) queue.push(Buffer.from(item));

    expect(queue.takeDroppedCount()).toBe(2);
    expect(queue.takeDroppedCount()).toBe(0);
    expect(queue.bytes).toBe(8);
    expect(queue.shift()?.toString()).toBe('abcd');
  });
});
