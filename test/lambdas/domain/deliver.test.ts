import { describe, expect, it } from 'vitest';
import { deliver, DELIVERY_CONCURRENCY } from '../../../lambdas/domain/deliver';
import type { Delivery, Messenger } from '../../../lambdas/domain/ports';
import { RecordingLogger } from './in-memory-deps';

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
});
