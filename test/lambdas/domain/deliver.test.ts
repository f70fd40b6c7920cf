import { describe, expect, it } from 'vitest';
import { deliver, DELIVERY_CONCURRENCY } from '../../../lambdas/domain/deliver';
import type { Delivery, Messenger } from '../../../lambdas/domain/ports';
import { PostFailure } from '../../../lambdas/domain/post-failure';
import { createWorld, NOW, RecordingLogger } from './in-memory-deps';

/** A messenger whose sends stay pending until released, to observe how many are in flight. */
class GatedMessenger implements Messenger {
  inFlight = 0;
  maxInFlight = 0;
  private readonly waiting: (() => void)[] = [];

  async send(connectionId: string): Promise<Delivery> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight--;
    return connectionId.startsWith('gone') ? 'gone' : 'sent';
  }

  releaseAll(): number {
    const released = this.waiting.splice(0);
    released.forEach((resolve) => resolve());
    return released.length;
  }
}

describe('deliver', () => {
  it('sends concurrently but never more than DELIVERY_CONCURRENCY at once, and reports the gone ones', async () => {
    const messenger = new GatedMessenger();
    const ids = Array.from({ length: DELIVERY_CONCURRENCY * 3 }, (_, i) => (i % 10 === 0 ? `gone-${i}` : `c-${i}`));

    const delivering = deliver({ messenger, logger: new RecordingLogger() }, ids, { action: 'pong' });
    let released = 0;
    while (released < ids.length) {
      await new Promise((resolve) => setImmediate(resolve));
      released += messenger.releaseAll();
    }
    const { gone } = await delivering;

    expect(messenger.maxInFlight).toBe(DELIVERY_CONCURRENCY);
    expect(gone.sort()).toEqual(ids.filter((id) => id.startsWith('gone')).sort());
  });

  it('posts to 100 viewers at once, so 500 at 20 ms a post take five rounds (about 100 ms), not 32', async () => {
    const messenger = new GatedMessenger();
    const ids = Array.from({ length: 500 }, (_, i) => `viewer-${i}`);

    const delivering = deliver({ messenger, logger: new RecordingLogger() }, ids, { action: 'pong' });
    let rounds = 0;
    for (let released = 0; released < ids.length; rounds++) {
      await new Promise((resolve) => setImmediate(resolve));
      released += messenger.releaseAll();
    }
    await delivering;

    expect(messenger.maxInFlight).toBe(100);
    expect(rounds).toBeLessThanOrEqual(6);
  });

  it('tries again only the posts that failed, and never one that a retry cannot help', async () => {
    const world = createWorld();
    world.messenger.failTimes.set('throttled', 1);
    const refused = { send: async () => { throw new PostFailure('413', false); } };
    let refusedAttempts = 0;
    const messenger = {
      send: async (id: string, message: Parameters<typeof world.messenger.send>[1]) => {
        if (id !== 'refused') return world.messenger.send(id, message);
        refusedAttempts += 1;
        return refused.send();
      },
    };

    const report = await deliver({ ...world, messenger, deadline: NOW + 5_000 }, ['fine', 'throttled', 'refused'], { action: 'pong' });

    expect(report).toEqual({ gone: [], failed: ['refused'] });
    expect(world.messenger.attempts.get('fine')).toBe(1);
    expect(world.messenger.attempts.get('throttled')).toBe(2);
    expect(refusedAttempts).toBe(1);
  });
});
