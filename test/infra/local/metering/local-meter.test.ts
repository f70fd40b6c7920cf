import { describe, expect, it } from 'vitest';
import { LocalMeter, messageUnits, totalInvocations, totalMessages } from '../../../../infra/local/metering/local-meter';

function clockAt(ms: number) {
  return { now: () => ms, set: (next: number) => (ms = next) };
}

describe('LocalMeter', () => {
  it.each([
    [0, 1],
    [1, 1],
    [32 * 1024, 1],
    [32 * 1024 + 1, 2],
    [128 * 1024, 4],
  ])('bills a message of %i bytes as %i unit(s) of 32 KB', (bytes, units) => {
    expect(messageUnits(bytes)).toBe(units);
  });

  it('adds up messages per direction and role, and in total', () => {
    const meter = new LocalMeter();
    meter.message('in', 'agent', 40_000);
    meter.message('out', 'agent', 100);
    meter.message('out', 'viewer', 40_000);
    meter.message('out', 'viewer', 10);

    const reading = meter.read();
    expect(reading.messages.in).toEqual({ agent: { messages: 1, units: 2, bytes: 40_000 } });
    expect(reading.messages.out.viewer).toEqual({ messages: 2, units: 3, bytes: 40_010 });
    expect(totalMessages(reading)).toEqual({ messages: 4, units: 6, bytes: 80_110 });
  });

  it('counts connection minutes of closed and still-open connections', () => {
    const clock = clockAt(0);
    const meter = new LocalMeter(clock);
    meter.connectionOpened('a', 'agent', 0);
    meter.connectionOpened('v', 'viewer', 30_000);
    clock.set(60_000);
    meter.connectionClosed('v', 60_000);
    clock.set(120_000);

    expect(meter.read().connectionMinutes).toBeCloseTo(2 + 0.5);
    expect(meter.read().connections).toBe(2);
  });

  it('counts open connections only from a reset on', () => {
    const clock = clockAt(0);
    const meter = new LocalMeter(clock);
    meter.connectionOpened('a', 'agent', 0);
    clock.set(600_000);
    meter.reset();
    clock.set(660_000);

    expect(meter.read().connectionMinutes).toBeCloseTo(1);
    meter.connectionClosed('a', 690_000);
    expect(meter.read().connectionMinutes).toBeCloseTo(1.5);
  });

  it('adds up invocations per route, billing each started ms', () => {
    const meter = new LocalMeter();
    meter.invoked('log.batch', 10.2);
    meter.invoked('log.batch', 0.3);
    meter.invoked('ping', 2);

    expect(meter.read().invocations['log.batch']).toEqual({ count: 2, ms: 10.5, billedMs: 11 + 1 });
    expect(totalInvocations(meter.read())).toEqual({ count: 3, ms: 12.5, billedMs: 14 });
  });

  it('adds up read and write capacity per operation', () => {
    const meter = new LocalMeter();
    meter.consumed('PutItem', 'write', 90);
    meter.consumed('Query', 'read', 0.5);
    meter.consumed('Query', 'read', 24);
    meter.consumed('BatchWriteItem', 'write', 4);

    const reading = meter.read();
    expect(reading.writeUnits).toBe(94);
    expect(reading.readUnits).toBe(24.5);
    expect(reading.capacity.Query).toEqual({ calls: 2, units: 24.5, kind: 'read' });
  });

  it('counts S3 requests per operation, and afresh after a reset', () => {
    const meter = new LocalMeter();
    meter.objectRequest('PutObject');
    meter.objectRequest('GetObject');
    meter.objectRequest('GetObject');

    expect(meter.read().objectRequests).toEqual({ PutObject: 1, GetObject: 2 });
    meter.reset();
    expect(meter.read().objectRequests).toEqual({});
  });
});
