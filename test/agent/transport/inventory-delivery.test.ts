import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentInventory } from '../../../protocol';
import { InventoryDelivery } from '../../../agent/transport/inventory-delivery';
import { RecordingLogger } from '../support/recording-logger';

const change = (observedAt: number): AgentInventory => ({ action: 'agent.inventory', observedAt, upsert: [], remove: [`c${observedAt}`] });

describe('InventoryDelivery', () => {
  let sent: AgentInventory[];
  let reregistrations: number;
  let connected: boolean;
  let logger: RecordingLogger;
  let delivery: InventoryDelivery;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    reregistrations = 0;
    connected = true;
    logger = new RecordingLogger();
    delivery = new InventoryDelivery({
      send: (message) => {
        if (connected) sent.push(message);
        return connected;
      },
      onUnconfirmed: () => reregistrations++,
      logger,
      ackTimeoutMs: 1000,
    });
  });

  afterEach(() => {
    delivery.stop();
    vi.useRealTimers();
  });

  it('sends an inventory and forgets it once the cloud acknowledges it', () => {
    expect(delivery.send(change(1))).toBe(true);

    delivery.acknowledge(1);
    vi.advanceTimersByTime(5000);

    expect(sent).toEqual([change(1)]);
    expect(reregistrations).toBe(0);
  });

  it('sends an unacknowledged inventory once more, then registers again (its whole list repairs what was lost)', () => {
    delivery.send(change(1));

    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([change(1), change(1)]);
    expect(reregistrations).toBe(0);

    vi.advanceTimersByTime(1000);
    expect(reregistrations).toBe(1);
    expect(logger.matching(/inventory/)).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2);
    expect(reregistrations).toBe(1);
  });

  it('tracks several inventories in flight, each by its observation time', () => {
    delivery.send(change(1));
    delivery.send(change(2));

    delivery.acknowledge(2);
    vi.advanceTimersByTime(1000);

    expect(sent).toEqual([change(1), change(2), change(1)]);
  });

  it('says so when there is no connection, and keeps nothing to resend', () => {
    connected = false;

    expect(delivery.send(change(1))).toBe(false);
    vi.advanceTimersByTime(5000);

    expect(reregistrations).toBe(0);
  });

  it('forgets what is in flight on reset (a registration, whose list covers it, or a closed connection)', () => {
    delivery.send(change(1));

    delivery.reset();
    vi.advanceTimersByTime(5000);

    expect(sent).toEqual([change(1)]);
    expect(reregistrations).toBe(0);
  });

  describe('when API Gateway itself refuses a message (throttled, or a Lambda that crashed or timed out)', () => {
    it('sends the unacknowledged inventories again, without using up their one resend', () => {
      delivery.send(change(1));
      delivery.send(change(2));
      delivery.acknowledge(2);

      delivery.gatewayRefused();
      delivery.resendRefused();
      expect(sent).toEqual([change(1), change(2), change(1)]);

      vi.advanceTimersByTime(1000);
      expect(sent).toEqual([change(1), change(2), change(1), change(1)]);
      expect(reregistrations).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(reregistrations).toBe(1);
    });

    it('waits a whole ack timeout after such a resend, so that repeated refusals never end in a registration', () => {
      delivery.send(change(1));

      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(900);
        delivery.gatewayRefused();
        delivery.resendRefused();
      }
      delivery.acknowledge(1);
      vi.advanceTimersByTime(5000);

      expect(sent).toHaveLength(11);
      expect(reregistrations).toBe(0);
    });

    it('resends only what was unacknowledged when the refusal came', () => {
      delivery.send(change(1));
      delivery.gatewayRefused();
      delivery.acknowledge(1);
      delivery.send(change(2));

      delivery.resendRefused();

      expect(sent).toEqual([change(1), change(2)]);
    });
  });
});
